"""Tenancies (who lives where on a day: C-09, C-10), occupier locking (H-01) and unit
deactivation (H-05), in the domain with no I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.people import Occupier, Tenancy
from repairlink.domain.places import Unit
from repairlink.errors import ConflictError

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


def tenancy(start: date, end: date | None = None, **kw: bool) -> Tenancy:
    return Tenancy(agency_id=1, occupier_id=1, unit_id=1, start_date=start, end_date=end, **kw)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def test_c_09_open_ended_tenancy_covers_every_day_from_its_start() -> None:
    t = tenancy(days(-100))
    assert t.covers(TODAY)
    assert t.covers(days(-100))
    assert t.covers(days(3650))
    assert not t.covers(days(-101))


def test_c_09_fixed_tenancy_covers_its_first_and_last_day_only_in_between() -> None:
    t = tenancy(days(-10), days(10))
    assert t.covers(days(-10))
    assert t.covers(TODAY)
    assert t.covers(days(10))
    assert not t.covers(days(11))
    assert not t.covers(days(-11))


def test_c_09_ended_tenancy_does_not_cover_today() -> None:
    assert not tenancy(days(-400), days(-1)).covers(TODAY)


def test_c_09_future_tenancy_does_not_cover_today() -> None:
    assert not tenancy(days(1), days(365)).covers(TODAY)
    assert not tenancy(days(1), periodic=True).covers(TODAY)


def test_c_09_periodic_tenancy_rolls_on_past_its_end_date() -> None:
    assert tenancy(days(-400), days(-35), periodic=True).covers(TODAY)


def test_c_09_inactive_tenancy_covers_nothing() -> None:
    assert not tenancy(days(-10), active=False).covers(TODAY)
    assert not tenancy(days(-10), days(-1), periodic=True, active=False).covers(TODAY)


def test_h_01_lock_archives_and_unlock_restores() -> None:
    occupier = Occupier(agency_id=1, first_name="Olive")
    assert occupier.active
    occupier.lock(NOW)
    assert (occupier.active, occupier.archived_at) == (False, NOW)
    with pytest.raises(ConflictError) as err:
        occupier.lock(NOW + timedelta(days=1))
    assert err.value.rule == "H-01"
    assert occupier.archived_at == NOW
    occupier.unlock()
    assert occupier.active
    with pytest.raises(ConflictError):
        occupier.unlock()


def test_display_name_falls_back_to_company_then_email() -> None:
    assert Occupier(agency_id=1, first_name="Olive", surname="Oak").display_name == "Olive Oak"
    assert Occupier(agency_id=1, company="Oak Ltd").display_name == "Oak Ltd"
    assert Occupier(agency_id=1, email="o@example.com").display_name == "o@example.com"


def test_h_05_deactivate_records_the_actor_kind_and_reactivate_reverses() -> None:
    unit = Unit(agency_id=1, line1="1 High St")
    unit.deactivate(Actor(ActorKind.RECONCILIATION, 3, "monthly"), NOW)
    assert (unit.active, unit.deactivated_at, unit.deactivated_by) == (
        False,
        NOW,
        "reconciliation",
    )
    assert not unit.deactivated_by_person
    with pytest.raises(ConflictError) as err:
        unit.deactivate(Actor(ActorKind.USER, 1, "a"), NOW)
    assert err.value.rule == "H-05"
    unit.reactivate()
    assert (unit.active, unit.deactivated_at, unit.deactivated_by) == (True, None, None)
    unit.deactivate(Actor(ActorKind.USER, 1, "agent"), NOW)
    assert unit.deactivated_by_person


def test_h_06_a_merged_unit_cannot_be_reactivated() -> None:
    unit = Unit(agency_id=1, line1="1 High St")
    unit.deactivate(Actor.system(), NOW)
    unit.merged_into_id = 5
    with pytest.raises(ConflictError) as err:
        unit.reactivate()
    assert err.value.rule == "H-06"
    assert not unit.active
