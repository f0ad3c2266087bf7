"""The Propman, Propertyware and Platform profiles state their inbound rules as data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from repairlink.connectors.platform.profile import PROFILE as PLATFORM
from repairlink.connectors.propertyware.profile import PROFILE as PROPERTYWARE
from repairlink.connectors.propman.profile import PROFILE as PROPMAN
from repairlink.inbound.plan import Action
from repairlink.pms.profile import ConfigRule, Policy, Reconciliation, Schedule, Unsupported
from tests.unit.sync.helpers import held, record, run


def test_pm_01_every_propman_entity_kind_is_declared() -> None:
    assert {"estate", "building", "unit", "agent", "contractor", "landlord", "rmc"} <= set(
        PROPMAN.kinds
    )


def test_pm_02_propman_owns_all_entity_data() -> None:
    for kind in PROPMAN.kinds:
        policy = PROPMAN.policy_for(kind, "any_field")
        assert policy is not None
        assert policy.policy is Policy.PMS_OWNED


def test_pm_03_owners_daily_changes_hourly_everything_weekly() -> None:
    schedules = PROPMAN.of(Schedule)
    daily = [s for s in schedules if s.every == timedelta(days=1)]
    hourly = [s for s in schedules if s.every == timedelta(hours=1)]
    weekly = [s for s in schedules if s.every == timedelta(weeks=1)]
    assert daily
    assert "landlord" in daily[0].kinds
    assert hourly
    assert not hourly[0].creates
    assert weekly
    assert weekly[0].full
    assert weekly[0].creates


def test_pw_01_a_second_location_is_refused() -> None:
    (rule,) = PROPERTYWARE.of(ConfigRule)
    assert rule.check({"locations": ["Portfolio A"]}) is None
    assert "exactly one" in (rule.check({"locations": ["A", "B"]}) or "")


def test_pw_02_only_residents_with_an_active_lease() -> None:
    assert run(PROPERTYWARE, record("occupier", {}, lease_active=False)).rule == "PW-02"
    assert run(PROPERTYWARE, record("occupier", {}, lease_active=True)).action is Action.CREATE


def test_pw_03_hourly_with_a_72_hour_look_back() -> None:
    assert any(
        s.every == timedelta(hours=1) and s.lookback == timedelta(hours=72)
        for s in PROPERTYWARE.of(Schedule)
    )


def test_pw_04_work_orders_need_the_integration_user_and_account_email() -> None:
    config = {"integration_user": "latch", "account_email": "pm@agency.example.com"}
    ours = record(
        "issue", {"title": "Leak"}, managed_by="latch", owner_email="PM@agency.example.com"
    )
    theirs = record(
        "issue", {"title": "Leak"}, managed_by="bob", owner_email="pm@agency.example.com"
    )
    stranger = record("issue", {"title": "Leak"}, managed_by="latch", owner_email="x@y.example")
    assert run(PROPERTYWARE, ours, config, resolved={"unit_id": 3}).action is Action.CREATE
    assert run(PROPERTYWARE, theirs, config).rule == "PW-04"
    assert run(PROPERTYWARE, stranger, config).rule == "PW-04"
    assert run(PROPERTYWARE, ours, config, unresolved={"unit_id"}).rule == "PW-04"


def test_pw_05_leases_nightly_and_every_value_overwrites() -> None:
    assert any(s.cron == "30 23 * * *" and s.tz == "UTC" for s in PROPERTYWARE.of(Schedule))
    lease = record("tenancy", {"rent": 1200, "end_date": "2027-01-01"})
    decision = run(PROPERTYWARE, lease, have=held(rent=1000, end_date="2026-01-01"))
    assert set(decision.values) == {"rent", "end_date"}


def test_pw_06_existing_units_and_residents_change_only_in_the_allowed_fields() -> None:
    unit = record("unit", {"line1": "New", "integration_data": "v2"})
    decision = run(PROPERTYWARE, unit, have=held(line1="Old", integration_data="v1"))
    assert decision.values == {"integration_data": "v2"}
    resident = record(
        "occupier", {"email": "new@example.com", "move_out": "2027-01-01"}, lease_active=True
    )
    decision = run(PROPERTYWARE, resident, have=held(email="old@example.com", move_out=None))
    assert decision.values == {"move_out": "2027-01-01"}
    work_order = record("issue", {"title": "Changed"}, managed_by="u", owner_email="e@x.example")
    decision = run(
        PROPERTYWARE,
        work_order,
        {"integration_user": "u", "account_email": "e@x.example"},
        have=held(title="Original"),
    )
    assert decision.action is Action.UNCHANGED


def test_pw_07_owners_and_providers_are_unsupported_and_say_so() -> None:
    assert any("CSV" in u.message for u in PROPERTYWARE.of(Unsupported))


def test_pw_09_monthly_reconciliation_on_the_27th_pacific_time() -> None:
    (rec,) = PROPERTYWARE.of(Reconciliation)
    assert (rec.cron, rec.tz, rec.kind) == ("0 3 27 * *", "America/Los_Angeles", "unit")


def test_px_01_no_initial_sync_only_72_hours() -> None:
    (schedule,) = PLATFORM.of(Schedule)
    assert not schedule.initial_full
    assert schedule.lookback == timedelta(hours=72)


def test_px_02_inactive_properties_are_left_alone_and_active_only_goes_to_inactive() -> None:
    unit = record("unit", {"line1": "A", "active": True})
    assert run(PLATFORM, unit, have=held(line1="B", active=False)).rule == "PX-02"
    hidden = record("unit", {"line1": "A", "active": False})
    assert run(PLATFORM, hidden, have=held(line1="A", active=True)).values == {"active": False}
    shown = record("unit", {"line1": "A", "active": True})
    assert run(PLATFORM, shown, have=held(line1="A", active=True)).action is Action.UNCHANGED


def test_px_03_residents_change_only_dates_and_only_before_move_out() -> None:
    later = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    past = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    resident = record("occupier", {"first_name": "New", "move_out": later})
    decision = run(PLATFORM, resident, have=held(first_name="Old", move_out=None, archived_at=None))
    assert decision.values == {"move_out": later}
    gone = record("occupier", {"first_name": "New", "move_out": past})
    assert run(PLATFORM, gone, have=held(archived_at=None)).rule == "PX-03"


def test_px_04_sync_method_assigned_all_or_none() -> None:
    assigned = record("issue", {"title": "t"}, assigned_to_integration_user=True)
    unassigned = record("issue", {"title": "t"}, assigned_to_integration_user=False)
    assert run(PLATFORM, unassigned, {"sync_method": "assigned"}).rule == "PX-04"
    assert run(PLATFORM, assigned, {"sync_method": "assigned"}).action is Action.CREATE
    assert run(PLATFORM, unassigned, {"sync_method": "all"}).action is Action.CREATE
    assert run(PLATFORM, assigned, {"sync_method": "none"}).rule == "PX-04"


def test_px_05_work_orders_are_never_updated_from_the_pms() -> None:
    changed = record("issue", {"title": "Changed"}, assigned_to_integration_user=True)
    decision = run(PLATFORM, changed, {"sync_method": "all"}, have=held(title="Original"))
    assert decision.action is Action.UNCHANGED
    assert not decision.values


def test_px_08_leases_and_files_are_unsupported_not_errors() -> None:
    assert {u.what for u in PLATFORM.of(Unsupported)} == {"leases", "files"}
