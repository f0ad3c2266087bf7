"""When a declared reconciliation falls due (PW-09: the 27th at 03:00 Pacific time), as the
runners' schedule check computes it. No I/O."""

from __future__ import annotations

from datetime import UTC, datetime

from repairlink.connectors.propertyware.profile import PROFILE as PROPERTYWARE
from repairlink.jobs.schedules import last_fire_time, name_of
from repairlink.pms.profile import Reconciliation, Schedule


def test_pw_09_reconciliation_falls_due_at_03_00_on_the_27th_los_angeles_time() -> None:
    (pw_09,) = PROPERTYWARE.of(Reconciliation)
    # November: Pacific Standard Time, UTC-8
    at = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)
    assert last_fire_time(pw_09, datetime(2026, 11, 27, 11, 1, tzinfo=UTC)) == at
    assert last_fire_time(pw_09, datetime(2026, 11, 27, 10, 59, tzinfo=UTC)) == datetime(
        2026,
        10,
        27,
        10,
        0,
        tzinfo=UTC,  # October's: still summer time (PDT, UTC-7)
    )
    assert last_fire_time(pw_09, datetime(2026, 12, 26, 23, 0, tzinfo=UTC)) == at
    # June: Pacific Daylight Time, UTC-7
    assert last_fire_time(pw_09, datetime(2026, 6, 30, tzinfo=UTC)) == datetime(
        2026, 6, 27, 10, 0, tzinfo=UTC
    )


def test_pw_09_reconciliation_fires_under_a_name_of_its_own() -> None:
    """A reconciliation's due times are recorded apart from any sync schedule's, so each
    fires once and neither hides the other."""
    (pw_09,) = PROPERTYWARE.of(Reconciliation)
    names = {name_of(s) for s in PROPERTYWARE.of(Schedule)}
    assert name_of(pw_09) == "PW-09:reconcile:0 3 27 * *"
    assert name_of(pw_09) not in names
    assert len(name_of(pw_09)) <= 64  # schedule_fires.schedule


def test_pw_09_a_check_at_the_very_instant_finds_that_run() -> None:
    """At 03:00:00.000 Pacific on the 27th the due run is this month's, not last month's
    (which a runner recorded already and would skip, leaving this one to the next check)."""
    (pw_09,) = PROPERTYWARE.of(Reconciliation)
    at = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)
    assert last_fire_time(pw_09, at) == at
