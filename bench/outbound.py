"""Benchmark: issue status changes reaching Alto, from our commit to the simulator's receipt.

    uv run python -m bench.outbound [--rate 100] [--seconds 60] [--connector alto|propman]

(`--connector propman`: the same changes reaching Propman as repair orders, PM-04/PM-07.)

Drives `rate` status changes a second (reported -> job instructed, each one a new works order
in Alto, AL-10) for `seconds`, first with the embedded runner (SQLite, the runner thread in this
process, as `repairlink serve` runs it), then with two `repairlink worker` processes
(Procrastinate on PostgreSQL). The simulator runs in its own process and logs when each write
arrived; every write carries our event id, so each change is matched with its receipt.
Each runner first sends WARM_UP_S seconds of changes at the same rate, unmeasured (its
connections, clients and PMS token are made once in its life). Prints one `name: value` per
line, with the rate of changes the driving loop achieved (it shares the 2 cores too).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

from repairlink.bootstrap import App, build
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Party, PayingForWork
from repairlink.jobs.embedded import EmbeddedRunner
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.jobs.worker import ensure_schema, jobs_app, waker
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
from repairlink.store.tables import contractors, external_refs

# Changes sent at the full rate before the clock starts: a runner makes its database
# connections, PMS clients and tokens on first use, once in its life, not once per change.
WARM_UP_S = 5
DRIVERS = 4  # threads making the changes
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


def _drive(app: App, p: Portfolio, issue_ids: list[int], rate: float) -> dict[str, float]:
    """Instruct each issue on a fixed beat, from DRIVERS threads (as the API's request
    threads would: one change waiting on the database does not hold up the next); answers
    event key -> commit time (epoch s)."""
    committed: dict[str, float] = {}
    d = deliveries.c
    start = time.monotonic()

    def drive(first: int) -> None:
        for n in range(first, len(issue_ids), DRIVERS):
            wait = start + n / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # the benchmark's own pacing, not a wait for a result
            issue_id = issue_ids[n]
            issues.instruct(
                app.uow(p.who.actor, p.who.agency_id),
                p.who,
                issue_id,
                party=Party.CONTRACTOR,
                party_id=p.contractor,
                paying=PayingForWork.LANDLORD,
            )
            at = time.time()
            with app.engine.connect() as conn:  # by the deliveries' index: no scan of the outbox
                event_id = conn.execute(
                    sa.select(sa.func.max(d.event_id)).where(
                        d.channel == "connection",
                        d.target_id == p.connection_id,
                        d.aggregate_kind == "issue",
                        d.aggregate_id == issue_id,
                    )
                ).scalar_one()
            committed[f"{event_id}:create"] = at

    with ThreadPoolExecutor(max_workers=DRIVERS) as pool:
        list(pool.map(drive, range(DRIVERS)))
    return committed


def _last_seq(base: str) -> int:
    body = httpx.get(f"{base}/_admin/writes", params={"since": 0}, timeout=60).json()
    return int(body.get("last_seq") or 0)


def _receipts(base: str, since: int) -> dict[str, float]:
    """Writes the simulator received after `since` (each phase numbers its events from 1)."""
    body = httpx.get(f"{base}/_admin/writes", params={"since": since}, timeout=60).json()
    first: dict[str, float] = {}
    for item in body["items"]:
        key = item.get("idempotency_key")
        if key and key not in first:
            first[key] = item["received_at"]
    return first


def _measure(
    base: str, since: int, committed: dict[str, float], quiet_s: float = 20.0
) -> tuple[list[float], int]:
    """Latency of each change from commit to receipt; `lost`: changes never received, once
    nothing new has arrived for `quiet_s` seconds (late is slow, not lost)."""
    received: dict[str, float] = {}
    last_progress = time.monotonic()
    while True:
        now_received = _receipts(base, since)
        if len(now_received) > len(received):
            last_progress = time.monotonic()
        received = now_received
        missing = [k for k in committed if k not in received]
        if not missing or time.monotonic() - last_progress > quiet_s:
            break
        time.sleep(0.5)
    latencies = [(received[k] - t) * 1000 for k, t in committed.items() if k in received]
    return latencies, len(missing)


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


Result = tuple[list[float], int, float]  # latencies (ms), lost, changes a second achieved


def _warm_then_measure(app: App, base: str, p: Portfolio, rate: float) -> Result:
    warm = int(rate * WARM_UP_S)
    since = _last_seq(base)
    _measure(base, since, _drive(app, p, p.reported[:warm], rate), quiet_s=60)
    since = _last_seq(base)
    committed = _drive(app, p, p.reported[warm:], rate)
    latencies, lost = _measure(base, since, committed)
    span = max(committed.values()) - min(committed.values())
    return latencies, lost, (len(committed) - 1) / span if span else float("nan")


def embedded(base: str, rate: float, seconds: int, workdir: Path, connector: str) -> Result:
    url = f"sqlite:///{workdir}/embedded.db"
    upgrade(url)
    app = build(Settings(database_url=url, files_dir=workdir / "files"))
    portfolio = _prepared(app, base, int(rate * (seconds + WARM_UP_S)), connector)
    runner = EmbeddedRunner(app).start()
    try:
        return _warm_then_measure(app, base, portfolio, rate)
    finally:
        runner.stop()
        app.close()


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


def distributed(base: str, rate: float, seconds: int, workdir: Path, connector: str) -> Result:
    with ExitStack() as stack:
        url = stack.enter_context(_pg_database())
        upgrade(url)
        settings = Settings(
            database_url=url, files_dir=workdir / "files-pg", runner="procrastinate"
        )
        ensure_schema(settings)
        app = build(settings)
        stack.callback(app.close)
        portfolio = _prepared(app, base, int(rate * (seconds + WARM_UP_S)), connector)
        env = {**os.environ, "REPAIRLINK_DATABASE_URL": url, "REPAIRLINK_FILES_DIR": str(workdir)}
        command = [str(Path(sys.executable).parent / "repairlink"), "worker"]
        for n in (1, 2):
            log = (workdir / f"worker-{n}.log").open("wb")
            proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            stack.callback(proc.wait)
            stack.callback(proc.terminate)
        app.event_listeners.append(waker(jobs_app(app)))
        return _warm_then_measure(app, base, portfolio, rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="status changes a second")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--units", type=int, default=500, help="the simulator's portfolio")
    parser.add_argument("--connector", choices=sorted(SETTINGS), default="alto")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="repairlink-bench-outbound-"))
    module = f"repairlink.simulators.{args.connector}"
    with simulator_process(module, seed=1, units=args.units) as base:
        latencies, lost, achieved = embedded(base, args.rate, args.seconds, workdir, args.connector)
        print(f"changes: {int(args.rate * args.seconds)}")
        print(f"embedded_changes_per_s: {achieved:.1f}")
        print(f"embedded_p50_ms: {_pct(latencies, 50):.1f}")
        print(f"embedded_p99_ms: {_pct(latencies, 99):.1f}")
        print(f"embedded_lost: {lost}")
        d_latencies, d_lost, d_achieved = distributed(
            base, args.rate, args.seconds, workdir, args.connector
        )
        print(f"distributed_changes_per_s: {d_achieved:.1f}")
        print(f"distributed_p50_ms: {_pct(d_latencies, 50):.1f}")
        print(f"distributed_p99_ms: {_pct(d_latencies, 99):.1f}")
        print(f"distributed_lost: {d_lost}")
        print(f"lost: {lost + d_lost}")


if __name__ == "__main__":
    main()
