"""What the sync benches share: records counted, CPU seconds read, and the floor.

The floor, measured in the same run on the same simulator: every page a full sync reads,
fetched by the connector as the sync fetches it, and its items inserted raw (one row of JSON
each, `executemany`) into the same database by one process, with no mapping, matching or
audit. Each PMS says where a raw page keeps its items and its next cursor (`Pages`).
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.inbound.run_state import RunState
from repairlink.pms.connector import Connector
from repairlink.pms.streams import RawPage, Stream, streams_for

# (stream, the raw page, its body as JSON) -> (its items, the next page's cursor or None)
Pages = Callable[[Stream, RawPage, Any], tuple[list[Any], str | None]]


def records(state: RunState) -> int:
    return sum(sum(counts.values()) for counts in state.counts.values())


def cpu_s(pid: int | None = None, *, who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU seconds of this process (or of its children that have ended: the
    page-preparing process of a finished run), or of another one by its id (Linux)."""
    if pid is None:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children() -> list[int]:
    tasks = Path(f"/proc/{os.getpid()}/task")
    return [int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()]


def floor(app: App, connector: Connector, kinds: Iterable[str], pages: Pages) -> tuple[float, int]:
    """Seconds to fetch every page a full sync reads and insert its items raw; and how many."""

    with app.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_raw_items")
        conn.exec_driver_sql("CREATE TABLE bench_raw_items (stream TEXT, item TEXT)")
    items, until = 0, datetime.now(UTC)
    started = time.perf_counter()
    for stream in streams_for(connector.streams, set(kinds), full=True):
        cursor = None
        with app.engine.begin() as conn:
            marker = "?" if conn.dialect.name == "sqlite" else "%s"
            while True:
                raw = connector.fetch(stream.name, since=None, until=until, cursor=cursor)
                found, cursor = pages(stream, raw, orjson.loads(raw.body))
                rows = [(stream.name, orjson.dumps(i).decode()) for i in found]
                conn.exec_driver_sql(
                    f"INSERT INTO bench_raw_items VALUES ({marker}, {marker})", rows
                )
                items += len(rows)
                if cursor is None:
                    break
    wall = time.perf_counter() - started
    connector.close()
    with app.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE bench_raw_items"))
    return wall, items


@dataclass
class FullSync:
    """A full sync, timed: wall seconds, and CPU seconds of this process, of the page-preparing
    process and of the simulator (the one child process when the run starts)."""

    state: RunState
    wall_s: float
    cpu_s: float
    preparer_cpu_s: float
    simulator_cpu_s: float

    def report(self, floor_wall_s: float, floor_items: int) -> None:
        print(f"full_records: {records(self.state)}")
        print(f"full_records_per_s: {records(self.state) / self.wall_s:.0f}")
        print(f"full_wall_s: {self.wall_s:.2f}")
        print(f"floor_items: {floor_items}")
        print(f"floor_wall_s: {floor_wall_s:.2f}")
        print(f"full_over_floor: {self.wall_s / floor_wall_s:.2f}")
        print(f"full_sync_cpu_s: {self.cpu_s:.2f}")
        print(f"full_preparer_cpu_s: {self.preparer_cpu_s:.2f}")
        print(f"full_simulator_cpu_s: {self.simulator_cpu_s:.2f}")


def timed_full_sync(run: Callable[[], RunState]) -> FullSync:
    (simulator,) = children()
    cpu, simulator_cpu = cpu_s(), cpu_s(simulator)
    preparer_cpu = cpu_s(who=resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    state = run()
    wall = time.perf_counter() - started
    return FullSync(
        state,
        wall,
        cpu_s() - cpu,
        cpu_s(who=resource.RUSAGE_CHILDREN) - preparer_cpu,
        cpu_s(simulator) - simulator_cpu,
    )
