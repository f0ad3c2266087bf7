"""Benchmark: a full Propertyware sync of a generated account (units, residents, leases, work
orders: at 100k units, 100k leases, 150k residents and 20k work orders, as issue 13 asks), then
1% changed upstream and the hourly 72-hour look-back run (PW-03), then that run
again over unchanged data; and 10,000 owners imported from CSV (PW-07).

    uv run python -m bench.sync_propertyware [--units 100000] [--database sqlite:///var/b.db]

The simulator runs in its own process with every record a full sync reads rendered before the
clock starts. The floor, measured in the same run on the same simulator: every page a full
sync reads, fetched by the connector as the sync fetches it and its items inserted raw (one row
of JSON each) into the same database, with no mapping, matching or audit; `full_over_floor`
says what the product costs on top of moving the bytes, whatever the machine's speed that day.
"""

from __future__ import annotations

import argparse
import resource
import time
from typing import Any

import httpx

from bench import migrated_app, scratch
from bench.sync_common import floor, records, timed_full_sync
from repairlink.connectors.propertyware.config import PropertywareConfig
from repairlink.connectors.propertyware.connector import PropertywareConnector
from repairlink.connectors.propertyware.profile import PROFILE
from repairlink.domain.actors import Actor
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.http import next_offset
from repairlink.pms.profile import Schedule
from repairlink.pms.streams import RawPage, Stream
from repairlink.services import agencies
from repairlink.services.people_import import import_people
from repairlink.simulators.propertyware.content import ACCOUNT_EMAIL
from repairlink.simulators.propertyware.process import propertyware_process
from repairlink.simulators.propertyware.state import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_SYSTEM_ID,
)

HOURLY = next(s for s in PROFILE.of(Schedule) if s.rule == "PW-03")


def _propertyware_pages(stream: Stream, raw: RawPage, body: Any) -> tuple[list[Any], str | None]:
    return body, next_offset(raw, len(body), stream.max_size)


def owners_csv(rows: int) -> bytes:
    lines = [f"Owner,{n},,owner{n}@example.com,(415) 555-{n % 10000:04d}" for n in range(rows)]
    return ("first_name,surname,company,email,phone\n" + "\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    parser.add_argument("--owners", type=int, default=10_000, help="rows of the CSV import")
    args = parser.parse_args()
    workdir = scratch("repairlink-bench-")
    app = migrated_app(workdir, args.database)
    # issue 13's account: every unit leased, 1.5 residents a lease (the tests' default account
    # leases 85% of units, 1.4 residents each)
    shape = ("--leased", "1.0", "--residents-per-lease", "1.5")
    with propertyware_process(seed=1, units=args.units, args=("--prerender", *shape)) as base:
        agency = agencies.create_agency(
            app.uow(Actor.system("bench")), name="Bench", slug=f"bench-{int(time.time())}"
        )
        # a US agency, as Propertyware's are: its residents' numbers are American
        us = {"locale": "en_US", "time_zone": "America/Los_Angeles"}
        agencies.update_settings(app.uow(Actor.system("bench"), agency.id), us)
        settings: dict[str, object] = {
            "base_url": base,
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "system_id": DEFAULT_SYSTEM_ID,
            "locations": [1],
            "account_email": ACCOUNT_EMAIL,
        }
        connect(app, agency.id, "propertyware", settings)
        floor_wall, floor_items = floor(
            app,
            PropertywareConnector(PropertywareConfig.model_validate(settings)),
            PROFILE.kinds,
            _propertyware_pages,
        )
        full = timed_full_sync(lambda: run_sync(app, agency.id, "propertyware", full=True))
        run_sync(app, agency.id, "propertyware", schedule=HOURLY)  # the schedule's first run
        httpx.post(f"{base}/_admin/churn", json={"fraction": 0.01, "seed": 2}, timeout=120)
        started = time.perf_counter()
        hourly = run_sync(app, agency.id, "propertyware", schedule=HOURLY)
        hourly_wall = time.perf_counter() - started
        unchanged = run_sync(app, agency.id, "propertyware", schedule=HOURLY)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        data = owners_csv(args.owners)
        started = time.perf_counter()
        imported = import_people(
            app.uow(Actor.system("bench"), agency.id), "landlord", data, mode="all_or_nothing"
        )
        import_wall = time.perf_counter() - started
        print(f"units: {args.units}")
        full.report(floor_wall, floor_items)
        print(f"hourly_72h_records: {records(hourly)}")
        print(f"hourly_72h_wall_s: {hourly_wall:.2f}")
        print(f"hourly_72h_rows_written: {hourly.rows_written}")
        print(f"unchanged_rows_written: {unchanged.rows_written}")
        print(f"peak_rss_mb: {peak_mb:.0f}")
        print(f"owners_imported: {imported.created}")
        print(f"owners_import_wall_s: {import_wall:.2f}")
        app.close()


if __name__ == "__main__":
    main()
