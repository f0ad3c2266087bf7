"""Benchmark: a full Alto sync of a generated portfolio, then 1% changed upstream and an
incremental sync, on SQLite (or any REPAIRLINK_DATABASE_URL-style --database).

    uv run python -m bench.sync_alto [--units 100000] [--database sqlite:///var/bench.db]

The simulator runs in its own process (as a real PMS would), at Alto's published page sizes
unless --page-size raises them, with every record a full sync reads rendered before the clock
starts, and again when the 1% churn is made (Alto's servers do not share our CPU; the simulator
should not either). Prints one
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
from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.domain.actors import Actor
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.streams import RawPage, Stream
from repairlink.services import agencies
from repairlink.simulators.alto.process import alto_process
from repairlink.simulators.alto.state import (
    DEFAULT_AGENCY_REF,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
)


def _alto_pages(stream: Stream, raw: RawPage, body: Any) -> tuple[list[Any], str | None]:
    return body.get("items") or [], (body.get("meta") or {}).get("nextToken") or None


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
    workdir = scratch("repairlink-bench-")
    app = migrated_app(workdir, args.database)
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

        floor_wall, floor_items = floor(
            app,
            AltoConnector(AltoConfig.model_validate(settings)),
            AltoConnector.profile.kinds,
            _alto_pages,
        )
        full = timed_full_sync(lambda: run_sync(app, agency.id, "alto", full=True))

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
        full.report(floor_wall, floor_items)
        print(f"incremental_records: {records(incremental)}")
        print(f"incremental_wall_s: {incremental_wall:.2f}")
        print(f"incremental_rows_written: {incremental.rows_written}")
        print(f"unchanged_rows_written: {unchanged.rows_written}")
        print(f"peak_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
        app.close()


if __name__ == "__main__":
    main()
