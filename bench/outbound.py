"""Benchmark: issue changes reaching a PMS, from our change to the simulator's receipt, with
its floor, at one rate or stepped to find each runner's capacity.

    uv run python -m bench.outbound [--rates 100] [--seconds 60] [--connector alto|propman]
    uv run python -m bench.outbound --rates 50,100,200,400,800 --seconds 15   # capacity

(`--connector propman`: the same changes reaching Propman as repair orders, PM-04/PM-07.)

Each change instructs a reported issue (a new works order in Alto, AL-10). The hub's side runs
in a service process of its own (`bench/outbound_service.py`: the change's transaction, and
with the embedded runner its senders, as `repairlink serve` holds both; with the distributed
runner, `--workers` `repairlink worker` processes on PostgreSQL send). This process only keeps
the beat and measures: latency runs from the change's event (`outbox.created_at`) to the
simulator's receipt of the write (every write carries our event id). Each runner first sends
WARM_UP_S seconds of changes unmeasured. At each rate the floor comes first: the same PMS
requests (the connector's create on one issue's facts) posted bare from this process at the
same rate. A rate is sustained when p99 <= 250 ms, nothing is lost and the changes were made
at 95% of the rate or more; stepping stops at the first rate that is not, and
`<runner>_capacity_changes_per_s` is the highest sustained. Prints `name: value` lines.

Beside each step's latencies, the CPU a change cost, from the step's first change to its last
receipt: the whole machine's (every process, this one too) and PostgreSQL's processes'
(`bench/db_meter`). On a host whose speed varies, a cut shows there before it shows in the
capacity, and the two say which side is short of it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench import migrated_app, scratch
from bench.db_meter import machine_busy_s, postgres_cpu_s
from bench.outbound_service import Service
from repairlink.bootstrap import App, build
from repairlink.connectors import REGISTRY
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.jobs.worker import ensure_schema
from repairlink.outbound.facts import FactsReader, due_at
from repairlink.pms.profile import StatusMap
from repairlink.services import agencies, issues
from repairlink.services.auth import Principal
from repairlink.settings import Settings
from repairlink.simulators.alto.state import (
    DEFAULT_AGENCY_REF,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
)
from repairlink.simulators.kit.process import simulator_process
from repairlink.simulators.propman.app import DEFAULT_API_KEY
from repairlink.store.migrate import upgrade
from repairlink.store.outbound_tables import deliveries
from repairlink.store.sync_tables import connections
from repairlink.store.tables import contractors, external_refs, outbox

# Changes sent at the full rate before the clock starts: a runner makes its database
# connections, PMS clients and tokens on first use, once in its life, not once per change.
WARM_UP_S = 5
DRIVERS = 4  # threads posting the floor's requests
FLOOR_S = 10  # the floor's run at each rate, at most
TARGET_P99_MS = 250.0  # a rate is sustained at this p99 or better (issue 15)
# connector -> the settings that connect an agency to its simulator at `base`
SETTINGS = {
    "alto": lambda base: {
        "base_url": base,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "agency_ref": DEFAULT_AGENCY_REF,
    },
    "propman": lambda base: {"base_url": base, "api_key": DEFAULT_API_KEY},
}
PG_SERVER = os.environ.get("REPAIRLINK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


@dataclass(frozen=True)
class Portfolio:
    who: Principal  # the agency's admin
    reported: list[int]  # issues waiting to be instructed
    contractor: int
    connection_id: int  # the agency's Alto connection


def _prepared(app: App, base: str, count: int, connector: str) -> Portfolio:
    """An agency synced from the PMS, `count` reported issues at its units, and a contractor."""
    agency = agencies.create_agency(
        app.uow(Actor.system("bench")), name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}"
    )
    connection_id = connect(app, agency.id, connector, SETTINGS[connector](base))
    run_sync(app, agency.id, connector, full=True)
    who = Principal(agency.id, Role.ADMIN, None, Actor(ActorKind.USER, 1, "bench@example.com"))
    r, c = external_refs.c, contractors.c
    with app.engine.connect() as conn:
        units = list(
            conn.execute(
                sa.select(r.entity_id).where(r.agency_id == agency.id, r.entity_kind == "unit")
            ).scalars()
        )
        contractor = conn.execute(
            sa.select(r.entity_id)
            .join(contractors, c.id == r.entity_id)
            .where(r.agency_id == agency.id, r.entity_kind == "contractor", c.archived_at.is_(None))
        ).scalar()
    if not units or contractor is None:
        raise SystemExit("the simulator's portfolio synced no units or contractors")
    reported = [
        issues.report(
            app.uow(who.actor, agency.id), who, title=f"Bench {n}", unit_id=units[n % len(units)]
        ).id
        for n in range(count)
    ]
    return Portfolio(who, reported, contractor, connection_id)


def _report(app: App, p: Portfolio, count: int) -> list[int]:
    """`count` more reported issues at the portfolio's units (made before a step's clock)."""
    r = external_refs.c
    with app.engine.connect() as conn:
        units = list(
            conn.execute(
                sa.select(r.entity_id).where(
                    r.agency_id == p.who.agency_id, r.entity_kind == "unit"
                )
            ).scalars()
        )
    return [
        issues.report(
            app.uow(p.who.actor, p.who.agency_id), p.who, title=f"Bench {n}", unit_id=unit
        ).id
        for n, unit in enumerate(units[n % len(units)] for n in range(count))
    ]


def _paced(count: int, rate: float, act: Callable[[int], None], threads: int = 1) -> None:
    """Call `act(n)` for n in 0..count-1, the n-th at n / rate seconds, from `threads`."""
    start = time.monotonic()

    def run(first: int) -> None:
        for n in range(first, count, threads):
            wait = start + n / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # the benchmark's own pacing, not a wait for a result
            act(n)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, range(threads)))


def _last_seq(base: str) -> int:
    body = httpx.get(f"{base}/_admin/writes", params={"since": 0}, timeout=60).json()
    return int(body.get("last_seq") or 0)


def _receipts(base: str, since: int) -> dict[str, float]:
    """Writes the simulator received after `since`: idempotency key -> first receipt."""
    body = httpx.get(f"{base}/_admin/writes", params={"since": since}, timeout=60).json()
    first: dict[str, float] = {}
    for item in body["items"]:
        key = item.get("idempotency_key")
        if key and key not in first:
            first[key] = item["received_at"]
    return first


def _received(base: str, since: int, expected: int, quiet_s: float = 20.0) -> dict[str, float]:
    """The receipts once `expected` have arrived, or once nothing new has for `quiet_s`
    seconds (late is slow, not lost)."""
    received: dict[str, float] = {}
    last_progress = time.monotonic()
    while len(received) < expected and time.monotonic() - last_progress < quiet_s:
        time.sleep(0.5)
        now_received = _receipts(base, since)
        if len(now_received) > len(received):
            last_progress = time.monotonic()
        received = now_received
    return received


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


@dataclass(frozen=True)
class Step:
    latencies: list[float]  # ms
    lost: int
    rate: float  # changes a second achieved
    machine_cpu_ms: float = float("nan")  # a change, every process (the bench's own too)
    postgres_cpu_ms: float = float("nan")  # a change, PostgreSQL's processes

    @property
    def p50(self) -> float:
        return _pct(self.latencies, 50)

    @property
    def p99(self) -> float:
        return _pct(self.latencies, 99)

    def sustained(self, offered: float) -> bool:
        return self.lost == 0 and self.p99 <= TARGET_P99_MS and self.rate >= 0.95 * offered


def _committed(app: App, p: Portfolio, issue_ids: list[int]) -> dict[str, float]:
    """The create key of each issue's event -> when the hub made the change (epoch s)."""
    d, o = deliveries.c, outbox.c
    found: dict[str, float] = {}
    with app.engine.connect() as conn:
        for chunk in range(0, len(issue_ids), 500):
            rows = conn.execute(
                sa.select(d.event_id, o.created_at)
                .join(outbox, o.id == d.event_id)
                .where(
                    d.channel == "connection",
                    d.target_id == p.connection_id,
                    d.aggregate_kind == "issue",
                    d.aggregate_id.in_(issue_ids[chunk : chunk + 500]),
                )
            )
            found |= {f"{event_id}:create": at.timestamp() for event_id, at in rows}
    return found


def _step(app: App, service: Service, base: str, p: Portfolio, ids: list[int], rate: float) -> Step:
    """Drive these changes through the service on the beat, then match each with its receipt."""
    since = _last_seq(base)
    busy, postgres = machine_busy_s(), postgres_cpu_s()
    _paced(len(ids), rate, lambda n: service.change(ids[n]))
    received = _received(base, since, len(ids))
    each_ms = 1000 / max(len(ids), 1)
    busy, postgres = (machine_busy_s() - busy) * each_ms, (postgres_cpu_s() - postgres) * each_ms
    committed = _committed(app, p, ids)
    latencies = [(received[k] - t) * 1000 for k, t in committed.items() if k in received]
    span = max(committed.values()) - min(committed.values()) if committed else 0.0
    achieved = (len(committed) - 1) / span if span else float("nan")
    return Step(latencies, len(ids) - len(latencies), achieved, busy, postgres)


def bare_creates(
    app: App, p: Portfolio, issue_id: int, rate: float, count: int, sent: dict[str, float]
) -> None:
    """`count` creates posted by the connector alone from DRIVERS threads at `rate` a second,
    on one issue's facts, each with a key of its own (kept in `sent` with when it went)."""
    c = connections.c
    with app.engine.connect() as conn:
        system, config = conn.execute(
            sa.select(c.system, c.config).where(c.id == p.connection_id)
        ).one()
    kind = REGISTRY[system]
    assert kind.outbound is not None
    writer = kind.outbound(kind.config_model.model_validate(config))
    facts = FactsReader(app.engine, p.who.agency_id)(system, issue_id, due_at(kind.profile, ""))
    (status_map,) = kind.profile.of(StatusMap)
    status = status_map.mapping.get("job_instructed") or ""
    run = uuid.uuid4().hex[:8]

    def post(n: int) -> None:
        key = f"floor-{run}-{n}:create"
        sent[key] = time.time()
        writer.create_work_order(facts, status, key=key)

    try:
        _paced(count, rate, post, threads=DRIVERS)
    finally:
        writer.close()


def _floor(app: App, base: str, p: Portfolio, issue_id: int, rate: float, count: int) -> Step:
    """The same PMS requests posted bare from this process at the same rate: the connector's
    create alone, on one issue's facts, each with a key of its own."""
    sent: dict[str, float] = {}
    since = _last_seq(base)
    bare_creates(app, p, issue_id, rate, count, sent)
    received = _received(base, since, count)
    latencies = [(received[k] - t) * 1000 for k, t in sent.items() if k in received]
    return Step(latencies, count - len(latencies), rate)


Printer = Callable[[str, float], None]


def _capacity(
    app: App, service: Service, base: str, p: Portfolio, args: argparse.Namespace, out: Printer
) -> None:
    """Warm up, then each rate in turn (its floor first) until one is not sustained."""
    rates: list[float] = args.rates
    _step(app, service, base, p, _report(app, p, int(rates[0] * WARM_UP_S)), rates[0])
    best = 0.0
    for rate in rates:
        ids = _report(app, p, int(rate * args.seconds))
        floor = _floor(app, base, p, ids[0], rate, int(rate * min(args.seconds, FLOOR_S)))
        step = _step(app, service, base, p, ids, rate)
        tag = f"{rate:g}"
        out(f"{tag}_floor_p50_ms", floor.p50)
        out(f"{tag}_floor_p99_ms", floor.p99)
        out(f"{tag}_changes_per_s", step.rate)
        out(f"{tag}_p50_ms", step.p50)
        out(f"{tag}_p99_ms", step.p99)
        out(f"{tag}_lost", step.lost)
        out(f"{tag}_machine_cpu_ms_a_change", step.machine_cpu_ms)
        out(f"{tag}_postgres_cpu_ms_a_change", step.postgres_cpu_ms)
        if not step.sustained(rate):
            break
        best = rate
    out("capacity_changes_per_s", best)


@contextmanager
def _pg_database() -> Iterator[str]:
    name = f"repairlink_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def embedded(base: str, args: argparse.Namespace, workdir: Path, out: Printer) -> None:
    """The embedded runner on SQLite, in the service's process as `repairlink serve` runs it."""
    app = migrated_app(workdir, name="embedded.db")
    portfolio = _prepared(app, base, 0, args.connector)
    service = Service(
        app.settings.database_url,
        workdir / "files",
        "embedded",
        portfolio.who.agency_id,
        portfolio.contractor,
    )
    try:
        _capacity(app, service, base, portfolio, args, out)
    finally:
        service.close()
        app.close()


def distributed(base: str, args: argparse.Namespace, workdir: Path, out: Printer) -> None:
    """`--workers` `repairlink worker` processes on PostgreSQL; the service defers jobs."""
    with ExitStack() as stack:
        url = stack.enter_context(_pg_database())
        upgrade(url)
        settings = Settings(
            database_url=url, files_dir=workdir / "files-pg", runner="procrastinate"
        )
        ensure_schema(settings)
        app = build(settings)
        stack.callback(app.close)
        portfolio = _prepared(app, base, 0, args.connector)
        env = {**os.environ, "REPAIRLINK_DATABASE_URL": url, "REPAIRLINK_FILES_DIR": str(workdir)}
        command = [str(Path(sys.executable).parent / "repairlink"), "worker"]
        for n in range(1, args.workers + 1):
            log = (workdir / f"worker-{n}.log").open("wb")
            proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            stack.callback(proc.wait)
            stack.callback(proc.terminate)
        service = Service(
            url,
            workdir / "files-pg",
            "procrastinate",
            portfolio.who.agency_id,
            portfolio.contractor,
        )
        stack.callback(service.close)
        _capacity(app, service, base, portfolio, args, out)


def _rates(text: str) -> list[float]:
    return [float(rate) for rate in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=_rates, default=[100.0], help="e.g. 50,100,200,400")
    parser.add_argument("--seconds", type=int, default=60, help="each rate's run")
    parser.add_argument("--units", type=int, default=500, help="the simulator's portfolio")
    parser.add_argument("--connector", choices=sorted(SETTINGS), default="alto")
    parser.add_argument("--runner", choices=("both", "embedded", "distributed"), default="both")
    parser.add_argument("--workers", type=int, default=2, help="distributed: worker processes")
    args = parser.parse_args()
    workdir = scratch("repairlink-bench-outbound-")
    module = f"repairlink.simulators.{args.connector}"
    with simulator_process(module, seed=1, units=args.units) as base:
        for name, run in (("embedded", embedded), ("distributed", distributed)):
            if args.runner in ("both", name):
                run(base, args, workdir, _printer(name))


def _printer(runner: str) -> Printer:
    def out(what: str, value: float) -> None:
        print(f"{runner}_{what}: {value:.1f}", flush=True)

    return out


if __name__ == "__main__":
    main()
