"""Benchmark: a PMS outage, then recovery (issue 14, item 8).

    uv run python -m bench.outage [--rate 100] [--seconds 60] [--runs 2]

Alto refuses every write (503, no Retry-After) for `seconds` while the hub makes `rate` changes
a second (each issue instructed, then given an appointment: two events in order per issue),
with the embedded runner (SQLite, as `repairlink serve` runs it) sending as it would. Then the
outage is lifted; the figure is the seconds from that moment until every delivery has landed
(delivered, or skipped by a rule), with how many never did (lost) and whether each issue's
second event landed after its first (order). Without the prober the waiting deliveries would
go at their back-off step: 5 s, then 5 min after the first failure. The floor: the same
changes committed with no runner, then drained by one that starts (what recovery cannot beat
here); and the bare floor: as many requests as that drain wrote, posted by the connector alone
(what the PMS and the HTTP client allow). Prints `name: value` lines.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench import migrated_app, scratch
from bench.outbound import DRIVERS, Portfolio, _last_seq, _prepared, bare_creates
from repairlink.bootstrap import App
from repairlink.domain.issues import Party, PayingForWork
from repairlink.jobs.embedded import EmbeddedRunner
from repairlink.services import issues
from repairlink.simulators.alto.process import alto_process
from repairlink.store.outbound_tables import deliveries, delivery_attempts


def _drive(app: App, p: Portfolio, rate: float) -> None:
    """`rate` changes a second: instruct an issue, then book its appointment."""
    start = time.monotonic()
    ids = p.reported

    def drive(first: int) -> None:
        for n in range(first, len(ids), DRIVERS):
            wait = start + 2 * n / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # the benchmark's own pacing
            uow = app.uow(p.who.actor, p.who.agency_id)
            issues.instruct(
                uow,
                p.who,
                ids[n],
                party=Party.CONTRACTOR,
                party_id=p.contractor,
                paying=PayingForWork.LANDLORD,
            )
            when = datetime.now(UTC) + timedelta(days=1)
            issues.set_appointment(app.uow(p.who.actor, p.who.agency_id), p.who, ids[n], when)

    with ThreadPoolExecutor(max_workers=DRIVERS) as pool:
        list(pool.map(drive, range(DRIVERS)))


def _pending(app: App, connection_id: int) -> int:
    d = deliveries.c
    with app.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).where(
                    d.channel == "connection", d.target_id == connection_id, d.state == "pending"
                )
            ).scalar_one()
        )


def _landed(app: App, connection_id: int) -> dict[int, list[tuple[int, datetime]]]:
    """Per issue: (event id, when its successful attempt was recorded), by event id."""
    d, a = deliveries.c, delivery_attempts.c
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(d.aggregate_id, d.event_id, sa.func.max(a.at))
            .join(delivery_attempts, a.delivery_id == d.id)
            .where(d.channel == "connection", d.target_id == connection_id, a.ok.is_(True))
            .group_by(d.aggregate_id, d.event_id)
            .order_by(d.aggregate_id, d.event_id)
        ).all()
    landed: dict[int, list[tuple[int, datetime]]] = {}
    for issue_id, event_id, at in rows:
        landed.setdefault(int(issue_id), []).append((int(event_id), at))
    return landed


def _drained(app: App, connection_id: int) -> tuple[int, dict[int, list[tuple[int, datetime]]]]:
    """Wait until no delivery to the connection is pending (or none has landed for 60 s);
    answers how many are left and what landed."""
    quiet = time.monotonic()
    left = _pending(app, connection_id)
    while left and time.monotonic() - quiet < 60:
        time.sleep(0.2)
        now_left = _pending(app, connection_id)
        quiet = time.monotonic() if now_left < left else quiet
        left = now_left
    return left, _landed(app, connection_id)


def once(base: str, rate: float, seconds: int, workdir: Path, *, outage: bool) -> dict[str, float]:
    """With `outage`: the changes meet the outage, then it is lifted. Without (the floor): the
    same changes are committed with no runner, then the runner starts and drains them, the
    fastest any recovery could be."""
    app = migrated_app(workdir, name=f"outage-{time.time_ns()}.db")
    portfolio = _prepared(app, base, int(rate * seconds / 2), "alto")
    runner = EmbeddedRunner(app, schedules=False)
    bare: dict[str, float] = {}
    try:
        if outage:
            runner.start()
            httpx.put(f"{base}/_admin/outage", json={"status": 503}, timeout=30).raise_for_status()
        _drive(app, portfolio, rate)
        if outage:
            httpx.delete(f"{base}/_admin/outage", timeout=30).raise_for_status()
        else:
            since = _last_seq(base)
            runner.start()
        started = datetime.now(UTC)
        left, landed = _drained(app, portfolio.connection_id)
        if not outage:  # the runner stays, idle: nothing is left for it
            bare = _bare(app, portfolio, _last_seq(base) - since)
    finally:
        runner.stop()
        app.close()
    last = max(at for events in landed.values() for _, at in events)
    first = min(at for events in landed.values() for _, at in events)
    in_order = all(
        [at for _, at in events] == sorted(at for _, at in events) for events in landed.values()
    )
    return {
        "changes": len(portfolio.reported) * 2,
        "s": (last - started).total_seconds(),
        # when the first delivery landed: with an outage, the probe's canary (a gap between
        # recovery_s and the floor then shows whether it came before the probe or after)
        "first_landed_s": (first - started).total_seconds(),
        "lost": left,
        "order_kept": float(in_order),
        "issues_landed": len(landed),
        **bare,
    }


def _bare(app: App, p: Portfolio, writes: int) -> dict[str, float]:
    """The bare floor: as many requests as the drain wrote to the PMS, posted by the
    connector alone (creates, on one issue's facts) from as many threads as the runner has
    senders, as fast as they go: what the PMS and the HTTP client allow, with no hub."""
    started = time.monotonic()
    bare_creates(app, p, p.reported[0], float("inf"), writes, {})
    return {"bare_writes": writes, "bare_s": time.monotonic() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="changes a second")
    parser.add_argument("--seconds", type=int, default=60, help="how long the outage lasts")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--units", type=int, default=500, help="the simulator's portfolio")
    args = parser.parse_args()
    workdir = scratch("repairlink-bench-outage-")
    with alto_process(seed=1, units=args.units) as base:
        for run in range(1, args.runs + 1):
            for outage, label in ((True, "recovery"), (False, "floor")):
                figures = once(base, args.rate, args.seconds, workdir, outage=outage)
                for name, value in figures.items():
                    print(f"run{run}_{label}_{name}: {value:g}", flush=True)


if __name__ == "__main__":
    main()
