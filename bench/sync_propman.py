"""Benchmark: a full Propman sync of a generated block-management portfolio (100k units: about
2k estates, 10k buildings, 90k owners, 5k RMCs, 3k suppliers, 300 agents), then 1% changed
upstream and PM-03's hourly run of changes to existing records, on SQLite (or any
REPAIRLINK_DATABASE_URL-style --database).

    uv run python bench/sync_propman.py [--units 100000] [--database sqlite:///var/bench.db]

The simulator runs in its own process (as a real PMS would), at its page limit (500), with
every record a full sync reads rendered before the clock starts (Propman's servers do not share
our CPU; the simulator should not either). Prints one
`name: value` per line, CPU seconds of both processes included: on a shared machine they say
more than wall time.

The floor, measured in the same run on the same simulator: every page a full sync reads,
fetched by the connector as the sync fetches it and its items inserted raw (one row of JSON
each, `executemany`) into the same database by one process, with no mapping, matching or
audit. `full_over_floor` says what the product costs on top of moving the bytes, whatever the
machine's speed that day.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import sqlalchemy as sa

from repairlink.bootstrap import App, build
from repairlink.connectors.propman.config import PropmanConfig
from repairlink.connectors.propman.connector import PropmanConnector
from repairlink.connectors.propman.profile import PROFILE
from repairlink.domain.actors import Actor
from repairlink.inbound.run_state import RunState
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.profile import Schedule
from repairlink.pms.streams import streams_for
from repairlink.services import agencies
from repairlink.settings import Settings
from repairlink.simulators.kit.process import simulator_process
from repairlink.simulators.propman.app import DEFAULT_API_KEY
from repairlink.store.migrate import upgrade

(HOURLY,) = [s for s in PROFILE.of(Schedule) if not s.creates]  # PM-03: existing records only


def _records(state: RunState) -> int:
    return sum(sum(counts.values()) for counts in state.counts.values())


def _cpu_s(pid: int | None = None, *, who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU seconds of this process (or of its children that have ended: the
    page-preparing process of a finished run), or of another one by its id (Linux)."""
    if pid is None:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children() -> list[int]:
    tasks = Path(f"/proc/{os.getpid()}/task")
    return [int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()]


def floor(app: App, settings: dict[str, object]) -> tuple[float, int]:
    """Seconds to fetch every page a full sync reads and insert its items raw; and how many."""
    connector = PropmanConnector(PropmanConfig.model_validate(settings))
    kinds = set(PropmanConnector.profile.kinds)
    with app.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_raw_items")
        conn.exec_driver_sql("CREATE TABLE bench_raw_items (stream TEXT, item TEXT)")
    items = 0
    started = time.perf_counter()
    until = datetime.now(UTC)
    for stream in streams_for(connector.streams, kinds, full=True):
        cursor = None
        with app.engine.begin() as conn:
            while True:
                raw = connector.fetch(stream.name, since=None, until=until, cursor=cursor)
                page = orjson.loads(raw.body)
                rows = [(stream.name, orjson.dumps(i).decode()) for i in page["items"]]
                conn.exec_driver_sql(
                    "INSERT INTO bench_raw_items VALUES (%s, %s)"
                    if conn.dialect.name != "sqlite"
                    else "INSERT INTO bench_raw_items VALUES (?, ?)",
                    rows,
                )
                items += len(rows)
                offset = int(cursor or 0) + len(rows)
                if not rows or offset >= page["total"]:
                    break
                cursor = str(offset)
    wall = time.perf_counter() - started
    connector.close()
    with app.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE bench_raw_items"))
    return wall, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="repairlink-bench-"))
    url = args.database or f"sqlite:///{workdir}/bench.db"
    upgrade(url)
    app = build(Settings(database_url=url, files_dir=workdir / "files"))
    module = "repairlink.simulators.propman"
    with simulator_process(module, seed=1, units=args.units, args=("--prerender",)) as base:
        agency = agencies.create_agency(
            app.uow(Actor.system("bench")), name="Bench", slug=f"bench-{int(time.time())}"
        )
        settings: dict[str, object] = {"base_url": base, "api_key": DEFAULT_API_KEY}
        connect(app, agency.id, "propman", settings)

        floor_wall, floor_items = floor(app, settings)
        (simulator,) = _children()
        cpu, simulator_cpu = _cpu_s(), _cpu_s(simulator)
        preparer_cpu = _cpu_s(who=resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        full = run_sync(app, agency.id, "propman", full=True)
        full_wall = time.perf_counter() - started
        cpu, simulator_cpu = _cpu_s() - cpu, _cpu_s(simulator) - simulator_cpu
        preparer_cpu = _cpu_s(who=resource.RUSAGE_CHILDREN) - preparer_cpu

        httpx.post(f"{base}/_admin/churn", json={"fraction": 0.01, "seed": 2}, timeout=120)
        started = time.perf_counter()
        incremental = run_sync(app, agency.id, "propman", schedule=HOURLY)
        incremental_wall = time.perf_counter() - started

        # A full run catches what no modified time showed (a building's change reaches its
        # units' addresses); the next one then meets truly unchanged data.
        run_sync(app, agency.id, "propman", full=True)
        unchanged = run_sync(app, agency.id, "propman", full=True)
        print(f"units: {args.units}")
        print(f"full_records: {_records(full)}")
        print(f"full_records_per_s: {_records(full) / full_wall:.0f}")
        print(f"full_wall_s: {full_wall:.2f}")
        print(f"floor_items: {floor_items}")
        print(f"floor_wall_s: {floor_wall:.2f}")
        print(f"full_over_floor: {full_wall / floor_wall:.2f}")
        print(f"full_sync_cpu_s: {cpu:.2f}")
        print(f"full_preparer_cpu_s: {preparer_cpu:.2f}")
        print(f"full_simulator_cpu_s: {simulator_cpu:.2f}")
        print(f"hourly_records: {_records(incremental)}")
        print(f"hourly_wall_s: {incremental_wall:.2f}")
        print(f"hourly_rows_written: {incremental.rows_written}")
        print(f"unchanged_rows_written: {unchanged.rows_written}")
        print(f"peak_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
        app.close()


if __name__ == "__main__":
    main()
