"""Schedules as the engine runs them: only the lists that carry a schedule's kinds, a bookmark
each, and a run that creates nothing leaving new records for one that does. Propman (PM-03)
has no client yet, so Alto carries PM-03's three schedules here, word for word: the engine
reads the declarations and nothing else, whatever the PMS."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.domain.actors import Actor
from repairlink.inbound import reports
from repairlink.inbound.run_state import RunState
from repairlink.jobs.sync_run import run_sync
from repairlink.pms.profile import Profile, Schedule
from repairlink.pms.retry import RetryPolicy
from repairlink.simulators.alto.server import RunningAlto
from repairlink.store.sync_tables import connections, sync_runs
from repairlink.store.tables import contractors, landlords, units
from tests.integration.sync.conftest import held, row, sync

EVERYTHING = ("unit", "landlord", "unit_landlord", "contractor", "occupier", "tenancy")
OWNERS = Schedule("PM-03", kinds=("landlord", "unit_landlord"), every=timedelta(days=1))
CHANGES = Schedule("PM-03", kinds=EVERYTHING, every=timedelta(hours=1), creates=False)
WEEKLY = Schedule("PM-03", kinds=EVERYTHING, every=timedelta(weeks=1), full=True)


class ScheduledAlto(AltoConnector):
    """Alto's rules, its AL-01 schedule replaced by PM-03's three."""

    profile = Profile(
        "alto",
        (
            *(r for r in AltoConnector.profile.rules if not isinstance(r, Schedule)),
            OWNERS,
            CHANGES,
            WEEKLY,
        ),
    )


@pytest.fixture
def scheduled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry's Alto carries PM-03's schedules for this test (runners, CLI, API)."""
    kind = REGISTRY["alto"]
    monkeypatch.setitem(
        REGISTRY, "alto", replace(kind, build=ScheduledAlto, profile=ScheduledAlto.profile)
    )


def _run(app: App, agency_id: int, schedule: Schedule) -> RunState:
    no_wait = RetryPolicy(sleep=lambda _s: None)
    return run_sync(app, agency_id, "alto", schedule=schedule, retry=no_wait)


def _requests(sim: RunningAlto) -> dict[str, int]:
    """The lists read since the simulator's counts were reset."""
    stats: dict[str, Any] = sim.admin("GET", "stats")
    return {k: v for k, v in stats["by_endpoint"].items() if v and k.startswith("GET ")}


def test_a_schedule_reads_only_the_lists_that_carry_its_kinds(
    app: App, connected: int, alto: RunningAlto, scheduled: None
) -> None:
    """The mechanism behind PM-03's daily owners run: landlords read, nothing else."""
    sync(app, connected, full=True)
    unit_ext, unit_id = next(iter(held(app, connected, "unit").items()))
    landlord_ext, landlord_id = next(iter(held(app, connected, "landlord").items()))
    alto.admin("PATCH", f"inventory/{unit_ext}", {"town": "Untouched"})
    alto.admin("PATCH", f"landlords/{landlord_ext}", {"surname": "Owner-Daily"})
    alto.admin("POST", "stats/reset")
    _run(app, connected, OWNERS)
    assert set(_requests(alto)) == {"GET /landlords"}
    assert row(app, landlords, landlord_id)["surname"] == "Owner-Daily"
    assert row(app, units, unit_id)["town"] != "Untouched"


def test_a_run_that_creates_nothing_updates_and_leaves_new_records_for_the_weekly_run(
    app: App, connected: int, alto: RunningAlto, scheduled: None
) -> None:
    """The mechanism behind PM-03's hourly run: existing records change, new ones wait for the
    weekly run, and the report says how many."""
    sync(app, connected, full=True)
    contractor_ext, contractor_id = next(iter(held(app, connected, "contractor").items()))
    alto.admin("PATCH", f"suppliers/{contractor_ext}", {"surname": "Changed-Hourly"})
    new = alto.admin(
        "POST", "suppliers", {"email": "new.plumber@example.com", "services": ["plumbing"]}
    )
    hourly = _run(app, connected, CHANGES)
    assert row(app, contractors, contractor_id)["surname"] == "Changed-Hourly"
    assert str(new["id"]) not in held(app, connected, "contractor")
    assert hourly.counts["contractor"]["deferred"] == 1
    skipped = reports.skipped(app.uow(Actor.system(), connected), hourly.run_id, kind="contractor")
    (left,) = [s for s in skipped.items if s["external_id"] == str(new["id"])]
    assert left["rule"] == "PM-03"
    assert "weekly" in left["reason"]
    weekly = _run(app, connected, WEEKLY)
    assert weekly.window_from is None
    assert str(new["id"]) in held(app, connected, "contractor")


def _bookmarks(app: App, agency_id: int) -> dict[str, str]:
    with app.engine.connect() as conn:
        marks: dict[str, str] = conn.execute(
            sa.select(connections.c.bookmarks).where(connections.c.agency_id == agency_id)
        ).scalar_one()
    return marks


def test_each_schedule_keeps_its_own_bookmark(
    app: App, connected: int, alto: RunningAlto, scheduled: None
) -> None:
    """A daily owners run must not move the hourly run's bookmark past changes it never read."""
    first = sync(app, connected, full=True)
    unit_ext, unit_id = next(iter(held(app, connected, "unit").items()))
    alto.admin("PATCH", f"inventory/{unit_ext}", {"town": "Read-Hourly"})
    owners = _run(app, connected, OWNERS)
    marks = _bookmarks(app, connected)
    assert marks[OWNERS.name] == owners.window_to.isoformat()
    assert marks["*"] == first.window_to.isoformat()  # the owners run read one kind
    hourly = _run(app, connected, CHANGES)
    assert hourly.window_from == first.window_to - CHANGES.lookback
    assert row(app, units, unit_id)["town"] == "Read-Hourly"
    with app.engine.connect() as conn:
        names = (
            conn.execute(
                sa.select(sync_runs.c.schedule)
                .where(sync_runs.c.agency_id == connected)
                .order_by(sync_runs.c.id)
            )
            .scalars()
            .all()
        )
    assert names == ["*", OWNERS.name, CHANGES.name]
