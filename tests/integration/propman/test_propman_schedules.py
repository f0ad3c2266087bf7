"""PM-03 through the Propman simulator: each of the three schedules run, and what each read
(the simulator's request counts) and wrote (our rows and the run's report)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from repairlink.bootstrap import App
from repairlink.connectors.propman.profile import PROFILE
from repairlink.domain.actors import Actor
from repairlink.inbound import reports
from repairlink.jobs import schedules
from repairlink.jobs.sync_run import connect
from repairlink.pms.profile import Schedule
from repairlink.services import agencies
from repairlink.simulators.propman import RunningPropman
from repairlink.store.tables import buildings, landlords, units
from tests.integration.propman.conftest import held, rows, settings_for, sim_id, sync

SCHEDULES: list[Schedule] = PROFILE.of(Schedule)
(OWNERS,) = [s for s in SCHEDULES if s.kinds == ("landlord", "unit_landlord")]
(HOURLY,) = [s for s in SCHEDULES if not s.creates]
(WEEKLY,) = [s for s in SCHEDULES if s.full]


def _read(sim: RunningPropman) -> set[str]:
    stats: dict[str, Any] = sim.admin("GET", "stats")
    return {k for k, v in stats["by_endpoint"].items() if v and k.startswith("GET ")}


def _first(app: App, agency_id: int, kind: str) -> tuple[str, int]:
    return min(held(app, agency_id, kind).items())


def test_pm_03_the_daily_run_reads_owners_only_and_writes_their_changes_and_new_owners(
    app: App, connected: int, propman: RunningPropman
) -> None:
    assert OWNERS.describe() == "daily"
    sync(app, connected, full=True)
    owner_ref, owner_id = _first(app, connected, "landlord")
    unit_ref, unit_id = _first(app, connected, "unit")
    unit = sim_id(propman, "units", unit_ref)
    propman.admin(
        "PATCH", f"owners/{sim_id(propman, 'owners', owner_ref)}", {"surname": "Owner-Daily"}
    )
    propman.admin("PATCH", f"units/{unit}", {"flat": "Untouched"})
    added = propman.admin("POST", "owners", {"unitId": unit})
    propman.admin("POST", "stats/reset")

    daily = sync(app, connected, schedule=OWNERS)
    assert _read(propman) == {"GET /owners"}
    assert rows(app, landlords, connected)[owner_id]["surname"] == "Owner-Daily"
    assert rows(app, units, connected)[unit_id]["flat"] != "Untouched"
    assert added["reference"] in held(app, connected, "landlord")  # the daily run creates
    assert daily.counts["landlord"] == {"updated": 1, "created": 1}


def test_pm_03_the_hourly_run_updates_existing_records_and_leaves_new_ones_for_the_weekly(
    app: App, connected: int, propman: RunningPropman
) -> None:
    assert (HOURLY.describe(), WEEKLY.describe()) == ("hourly", "weekly")
    sync(app, connected, full=True)
    building_ref, building_id = _first(app, connected, "building")
    building = sim_id(propman, "buildings", building_ref)
    propman.admin("PATCH", f"buildings/{building}", {"name": "Renamed House"})
    new_unit = propman.admin("POST", "units", {"buildingId": building})
    propman.admin("POST", "stats/reset")

    hourly = sync(app, connected, schedule=HOURLY)
    assert "GET /buildings" in _read(propman)
    assert rows(app, buildings, connected)[building_id]["name"] == "Renamed House"
    assert new_unit["reference"] not in held(app, connected, "unit")
    assert hourly.counts["unit"] == {"deferred": 1}
    skipped = reports.skipped(app.uow(Actor.system(), connected), hourly.run_id, kind="unit")
    (left,) = [s for s in skipped.items if s["external_id"] == new_unit["reference"]]
    assert left["rule"] == "PM-03"
    assert "weekly" in left["reason"]

    propman.admin("POST", "stats/reset")
    weekly = sync(app, connected, schedule=WEEKLY)
    assert weekly.window_from is None  # everything, new records included
    assert {f"GET /{k}" for k in ("estates", "buildings", "units", "owners", "rmcs")} <= _read(
        propman
    )
    assert new_unit["reference"] in held(app, connected, "unit")
    assert weekly.counts["unit"]["created"] == 1
    assert (
        rows(app, units, connected)[held(app, connected, "unit")[new_unit["reference"]]][
            "building_id"
        ]
        == held(app, connected, "building")[building_ref]
    )


def _due_of(found: list[Any], agency_id: int) -> dict[str, datetime]:
    return {
        due.schedule.name: due.fire_at
        for due in found
        if isinstance(due, schedules.Due) and due.agency_id == agency_id
    }


def test_pm_03_each_schedule_is_timed_per_agency_in_the_connectors_settings(
    app: App, agency_id: int, propman: RunningPropman
) -> None:
    """An agency that wants owners every 6 hours, changes every 15 minutes and everything
    daily gets those, the schedules keeping their names (and bookmarks); another agency
    connected to Propman keeps the article's daily, hourly and weekly."""
    connect(
        app,
        agency_id,
        "propman",
        settings_for(
            propman, owners_every_hours=6, changes_every_minutes=15, everything_every_days=1
        ),
    )
    other = agencies.create_agency(
        app.uow(Actor.system()), name="Other blocks", slug=f"other-{uuid.uuid4().hex[:8]}"
    ).id
    connect(app, other, "propman", settings_for(propman))
    later = datetime.now(UTC) + timedelta(days=15)

    def at(step: timedelta) -> datetime:
        return schedules.last_fire_time(Schedule("x", ("unit",), every=step), later)

    found = schedules.claim_due(app, later)
    assert _due_of(found, agency_id) == {
        OWNERS.name: at(timedelta(hours=6)),
        HOURLY.name: at(timedelta(minutes=15)),
        WEEKLY.name: at(timedelta(days=1)),
    }
    assert _due_of(found, other) == {
        OWNERS.name: at(timedelta(days=1)),
        HOURLY.name: at(timedelta(hours=1)),
        WEEKLY.name: at(timedelta(weeks=1)),
    }
