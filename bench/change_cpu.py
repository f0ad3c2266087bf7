"""Benchmark: the CPU a change and its delivery cost the hub, in one process, with the floor:
the connector's bare create of the same works order.

    uv run python -m bench.change_cpu [--changes 1000] [--runs 2] [--database URL]

`bench/outbound` finds each runner's capacity, which needs the whole chain (service, senders
or workers, database, simulator) and a quiet hour on a host whose speed varies by a third.
A cut to one part of a change shows better as CPU: this runs the parts one after the other in
one process and reads its CPU time (`time.process_time`, all its threads) around each.
- `change_cpu_ms`: instructing a reported issue (AL-10's works order), its event and
  delivery committed, as the API's request would;
- `delivery_cpu_ms`: sending that works order to the Alto simulator (in a process of its own,
  so its CPU is not counted) and recording the outcome, as a runner's sender does, in batches;
- `floor_create_cpu_ms`: the connector posting the same create alone, on one issue's facts.
Each run instructs fresh issues; the simulator's portfolio is synced first (SQLite in a new
temporary file unless `--database`). Prints `name: value` lines.

Beside each CPU figure, what the database did a change and a delivery (`bench/db_meter`):
statements, transactions, rows written and, on PostgreSQL, the server's own CPU. `--batch`
is a sender's claim: 50 as the embedded runner's, 10 as a worker's, 1 as at a low rate.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench import migrated_app, scratch
from bench.db_meter import DatabaseMeter, Tally
from bench.outbound import Portfolio, _prepared, _report, bare_creates
from repairlink.bootstrap import App
from repairlink.domain.issues import Party, PayingForWork
from repairlink.jobs.channels import Channels
from repairlink.jobs.dispatch import deliver_all_due
from repairlink.services import issues
from repairlink.simulators.alto.process import alto_process

BATCH = 50  # a sender's claim, as the embedded runner's (--batch)


def cpu_ms_each(count: int, work: Callable[[], object]) -> float:
    """Milliseconds of this process's CPU `work` took, per item of `count`."""
    started = time.process_time()
    work()
    return (time.process_time() - started) * 1000 / count


def _instruct_all(app: App, p: Portfolio, issue_ids: list[int]) -> None:
    for issue_id in issue_ids:
        issues.instruct(
            app.uow(p.who.actor, p.who.agency_id),
            p.who,
            issue_id,
            party=Party.CONTRACTOR,
            party_id=p.contractor,
            paying=PayingForWork.LANDLORD,
        )


def _deliver_all(app: App, channels: Channels, expected: int, batch: int = BATCH) -> None:
    sent = 0
    while sent < expected:
        done = deliver_all_due(app, channels, worker="bench-cpu", limit=batch)
        if done == 0:
            raise SystemExit(f"only {sent} of {expected} deliveries were due")
        sent += done


@dataclass(frozen=True)
class Measured:
    change_cpu_ms: float
    delivery_cpu_ms: float
    floor_create_cpu_ms: float
    change_db: Tally
    delivery_db: Tally


def _measured(
    app: App, p: Portfolio, channels: Channels, count: int, batch: int, meter: DatabaseMeter
) -> Measured:
    """One run on `count` fresh issues: CPU ms a change, a delivery, a bare create, and what
    the database did for the changes and for the deliveries."""
    ids = _report(app, p, count)
    before = meter.now()
    change = cpu_ms_each(count, lambda: _instruct_all(app, p, ids))
    after_changes = meter.now()
    delivery = cpu_ms_each(count, lambda: _deliver_all(app, channels, len(ids), batch))
    after_deliveries = meter.now()
    sent: dict[str, float] = {}
    floor = cpu_ms_each(count, lambda: bare_creates(app, p, ids[0], 10_000.0, count, sent))
    return Measured(
        change,
        delivery,
        floor,
        after_changes.minus(before),
        after_deliveries.minus(after_changes),
    )


def _print_db(prefix: str, tally: Tally, count: int, postgres: bool) -> None:
    print(f"{prefix}_statements: {tally.statements / count:.2f}")
    print(f"{prefix}_transactions: {tally.transactions / count:.2f}")
    print(f"{prefix}_rows_written: {tally.rows_written / count:.2f}")
    if postgres:
        print(f"{prefix}_server_cpu_ms: {tally.server_cpu_s * 1000 / count:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=1000, help="changes a run")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    parser.add_argument("--batch", type=int, default=BATCH, help="deliveries a claim")
    args = parser.parse_args()
    workdir = scratch("repairlink-bench-")
    app = migrated_app(workdir, args.database)
    with alto_process(seed=1, units=500) as base:
        portfolio = _prepared(app, base, 1, "alto")
        channels = Channels(app)
        _instruct_all(app, portfolio, portfolio.reported)  # warm: connections, token, caches
        _deliver_all(app, channels, 1)
        print(f"database: {app.engine.dialect.name}")
        print(f"batch: {args.batch}")
        meter, postgres = DatabaseMeter(app.engine), app.engine.dialect.name == "postgresql"
        for run in range(1, args.runs + 1):
            m = _measured(app, portfolio, channels, args.changes, args.batch, meter)
            print(f"run_{run}_change_cpu_ms: {m.change_cpu_ms:.3f}")
            _print_db(f"run_{run}_change", m.change_db, args.changes, postgres)
            print(f"run_{run}_delivery_cpu_ms: {m.delivery_cpu_ms:.3f}")
            _print_db(f"run_{run}_delivery", m.delivery_db, args.changes, postgres)
            print(f"run_{run}_floor_create_cpu_ms: {m.floor_create_cpu_ms:.3f}")
            print(f"run_{run}_delivery_over_floor: {m.delivery_cpu_ms / m.floor_create_cpu_ms:.2f}")
        channels.close()
    app.close()


if __name__ == "__main__":
    main()
