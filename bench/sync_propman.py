"""Benchmark: a full Propman sync of a generated block-management portfolio (100k units: about
2k estates, 10k buildings, 90k owners, 5k RMCs, 3k suppliers, 300 agents), then 1% changed
upstream and PM-03's hourly run of changes to existing records, on SQLite (or any
REPAIRLINK_DATABASE_URL-style --database).

    uv run python -m bench.sync_propman [--units 100000] [--database sqlite:///var/bench.db]

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
import resource
import time
from typing import Any

import httpx

from bench import migrated_app, scratch
from bench.sync_common import floor, records, timed_full_sync
from repairlink.connectors.propman.config import PropmanConfig
from repairlink.connectors.propman.connector import PropmanConnector
from repairlink.connectors.propman.profile import PROFILE
from repairlink.domain.actors import Actor
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.profile import Schedule
from repairlink.pms.streams import RawPage, Stream
from repairlink.services import agencies
from repairlink.simulators.kit.process import simulator_process
from repairlink.simulators.propman.app import DEFAULT_API_KEY

(HOURLY,) = [s for s in PROFILE.of(Schedule) if not s.creates]  # PM-03: existing records only


def _propman_pages(stream: Stream, raw: RawPage, body: Any) -> tuple[list[Any], str | None]:
    offset = int(raw.cursor or 0) + len(body["items"])
    return body["items"], str(offset) if body["items"] and offset < body["total"] else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    workdir = scratch("repairlink-bench-")
    app = migrated_app(workdir, args.database)
    module = "repairlink.simulators.propman"
    with simulator_process(module, seed=1, units=args.units, args=("--prerender",)) as base:
        agency = agencies.create_agency(
            app.uow(Actor.system("bench")), name="Bench", slug=f"bench-{int(time.time())}"
        )
        settings: dict[str, object] = {"base_url": base, "api_key": DEFAULT_API_KEY}
        connect(app, agency.id, "propman", settings)

        floor_wall, floor_items = floor(
            app,
            PropmanConnector(PropmanConfig.model_validate(settings)),
            PROFILE.kinds,
            _propman_pages,
        )
        full = timed_full_sync(lambda: run_sync(app, agency.id, "propman", full=True))

        httpx.post(f"{base}/_admin/churn", json={"fraction": 0.01, "seed": 2}, timeout=120)
        started = time.perf_counter()
        incremental = run_sync(app, agency.id, "propman", schedule=HOURLY)
        incremental_wall = time.perf_counter() - started

        # A full run catches what no modified time showed (a building's change reaches its
        # units' addresses); the next one then meets truly unchanged data.
        run_sync(app, agency.id, "propman", full=True)
        unchanged = run_sync(app, agency.id, "propman", full=True)
        print(f"units: {args.units}")
        full.report(floor_wall, floor_items)
        print(f"hourly_records: {records(incremental)}")
        print(f"hourly_wall_s: {incremental_wall:.2f}")
        print(f"hourly_rows_written: {incremental.rows_written}")
        print(f"unchanged_rows_written: {unchanged.rows_written}")
        print(f"peak_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
        app.close()


if __name__ == "__main__":
    main()
