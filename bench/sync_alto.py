"""Benchmark: a full Alto sync of a generated portfolio, then 1% changed upstream and an
incremental sync, on SQLite (or any REPAIRLINK_DATABASE_URL-style --database).

    uv run python bench/sync_alto.py [--units 100000] [--database sqlite:///var/bench.db]

The simulator runs in its own process (as a real PMS would), at Alto's published page sizes
unless --page-size raises them, with every record a full sync reads rendered before the clock
starts (Alto's servers do not share our CPU; the simulator should not either). Prints one
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
from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.domain.actors import Actor
from repairlink.inbound.run_state import RunState
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.streams import streams_for
from repairlink.services import agencies
from repairlink.settings import Settings
from repairlink.simulators.alto.process import alto_process
from repairlink.simulators.alto.state import (
    DEFAULT_AGENCY_REF,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
)
from repairlink.store.migrate import upgrade

# A benchmark is local development: a key under ./var seals the connection's secret, and the
# simulators on 127.0.0.1 may be called (docs/security.md).
os.environ.setdefault("REPAIRLINK_ENVIRONMENT", "development")


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
    connector = AltoConnector(AltoConfig.model_validate(settings))
    kinds = set(AltoConnector.profile.kinds)
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
                rows = [(stream.name, orjson.dumps(i).decode()) for i in page.get("items") or []]
                conn.exec_driver_sql(
                    "INSERT INTO bench_raw_items VALUES (%s, %s)"
                    if conn.dialect.name != "sqlite"
                    else "INSERT INTO bench_raw_items VALUES (?, ?)",
                    rows,
                )
                items += len(rows)
                cursor = (page.get("meta") or {}).get("nextToken")
                if not cursor:
                    break
    wall = time.perf_counter() - started
    connector.close()
    with app.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE bench_raw_items"))
    return wall, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    parser.add_argument(
        "--page-size",
        type=int,
        default=None,
        help="raise the simulator's page limits (Alto's own: 100 and 250)",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="repairlink-bench-"))
    url = args.database or f"sqlite:///{workdir}/bench.db"
    upgrade(url)
    app = build(Settings(database_url=url, files_dir=workdir / "files"))
    extra = ("--prerender", *(("--max-page-size", str(args.page_size)) if args.page_size else ()))
    with alto_process(seed=1, units=args.units, args=extra) as base:
        agency = agencies.create_agency(
            app.uow(Actor.system("bench")), name="Bench", slug=f"bench-{int(time.time())}"
        )
        settings: dict[str, object] = {
            "base_url": base,
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "agency_ref": DEFAULT_AGENCY_REF,
        }
        if args.page_size:
            settings["page_size"] = min(args.page_size, 250)
        connect(app, agency.id, "alto", settings)

        floor_wall, floor_items = floor(app, settings)
        (simulator,) = _children()
        cpu, simulator_cpu = _cpu_s(), _cpu_s(simulator)
        preparer_cpu = _cpu_s(who=resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        full = run_sync(app, agency.id, "alto", full=True)
        full_wall = time.perf_counter() - started
        cpu, simulator_cpu = _cpu_s() - cpu, _cpu_s(simulator) - simulator_cpu
        preparer_cpu = _cpu_s(who=resource.RUSAGE_CHILDREN) - preparer_cpu

        httpx.post(f"{base}/_admin/churn", json={"fraction": 0.01, "seed": 2}, timeout=120)
        started = time.perf_counter()
        incremental = run_sync(app, agency.id, "alto")
        incremental_wall = time.perf_counter() - started

        # A full run catches what no modified time showed (in the simulator, as in Alto, a
        # property's new address reaches its tenants' addresses); the next one then meets
        # truly unchanged data.
        run_sync(app, agency.id, "alto", full=True)
        unchanged = run_sync(app, agency.id, "alto", full=True)
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
        print(f"incremental_records: {_records(incremental)}")
        print(f"incremental_wall_s: {incremental_wall:.2f}")
        print(f"incremental_rows_written: {incremental.rows_written}")
        print(f"unchanged_rows_written: {unchanged.rows_written}")
        print(f"peak_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
        app.close()


if __name__ == "__main__":
    main()
