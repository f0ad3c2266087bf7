"""The Propertyware and Platform profiles' inbound decisions, through the decision function
(no I/O). What only a declaration said is proven by behaviour elsewhere: schedules
(tests/integration/sync/test_schedules_run.py), rules about settings and unsupported features
(tests/integration/api/test_connectors_api.py), look-back-only runs and update policies
(tests/integration/sync/test_policies_run.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from repairlink.connectors.platform.profile import PROFILE as PLATFORM
from repairlink.connectors.propertyware.profile import PROFILE as PROPERTYWARE
from repairlink.inbound.plan import Action
from tests.unit.sync.helpers import held, record, run


def test_pw_02_only_residents_with_an_active_lease() -> None:
    assert run(PROPERTYWARE, record("occupier", {}, lease_active=False)).rule == "PW-02"
    assert run(PROPERTYWARE, record("occupier", {}, lease_active=True)).action is Action.CREATE


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


def test_pw_05_every_value_of_an_existing_lease_overwrites() -> None:
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
    # the occupier's name and contacts are set once; their tenancy carries the dates
    resident = record("occupier", {"first_name": "New"})
    assert run(PLATFORM, resident, have=held(first_name="Old")).values == {}
    tenancy = record("tenancy", {"end_date": later})
    decision = run(PLATFORM, tenancy, have=held(end_date=None, active=True))
    assert decision.values == {"end_date": later}
    gone = record("tenancy", {"end_date": later})
    assert run(PLATFORM, gone, have=held(end_date=past, active=False)).rule == "PX-03"


def test_px_04_sync_method_assigned_all_or_none() -> None:
    ours = {"sync_method": "assigned", "integration_user": "1"}
    assigned = record("issue", {"title": "t"}, assignee="1")
    unassigned = record("issue", {"title": "t"}, assignee="2")
    assert run(PLATFORM, unassigned, ours).rule == "PX-04"
    assert run(PLATFORM, assigned, ours).action is Action.CREATE
    assert run(PLATFORM, unassigned, {"sync_method": "all"}).action is Action.CREATE
    assert run(PLATFORM, assigned, {"sync_method": "none"}).rule == "PX-04"


def test_px_05_work_orders_are_never_updated_from_the_pms() -> None:
    changed = record("issue", {"title": "Changed"}, assignee="1")
    decision = run(PLATFORM, changed, {"sync_method": "all"}, have=held(title="Original"))
    assert decision.action is Action.UNCHANGED
    assert not decision.values
