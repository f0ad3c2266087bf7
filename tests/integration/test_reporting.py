"""C-11: with 'only display uploaded properties' on, occupiers report only against active units
of the platform, never a free-typed address. An occupier reports only at their home."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from repairlink.bootstrap import App
from repairlink.domain.issues import Status
from repairlink.errors import InvalidError, NotFoundError
from repairlink.services import agencies, issues, units
from repairlink.services.auth import Principal
from tests.factories import (
    as_occupier,
    living_occupier,
    make_tenancy,
    make_unit,
    uow_of,
)


def _only_uploaded(app: App, admin: Principal, on: bool) -> None:
    agencies.update_settings(uow_of(app, admin), {"only_display_uploaded_properties": on})


def _issue_count(app: App, admin: Principal) -> int:
    return len(issues.list_issues(uow_of(app, admin), admin, limit=500).items)


def test_c_11_setting_on_refuses_a_free_typed_address(app: App, admin: Principal) -> None:
    _only_uploaded(app, admin, True)
    unit = make_unit(app, admin)
    occupier = as_occupier(living_occupier(app, admin, unit))
    for who in (occupier, admin):
        with pytest.raises(InvalidError) as err:
            issues.report(
                uow_of(app, who), who, title="Leak", free_address="99 Nowhere Road, Leeds LS1 1AA"
            )
        assert (err.value.field, err.value.rule) == ("unit_id", "C-11")
        with pytest.raises(InvalidError) as err:
            issues.report(
                uow_of(app, who), who, title="Leak", unit_id=unit.id, free_address="Flat 9 really"
            )
        assert err.value.rule == "C-11"
    assert _issue_count(app, admin) == 0


def test_c_11_setting_on_refuses_a_deactivated_unit(app: App, admin: Principal) -> None:
    _only_uploaded(app, admin, True)
    unit = make_unit(app, admin)
    occupier = as_occupier(living_occupier(app, admin, unit))
    units.deactivate_unit(uow_of(app, admin), unit.id)
    with pytest.raises(InvalidError) as err:
        issues.report(uow_of(app, occupier), occupier, title="Leak", unit_id=unit.id)
    assert (err.value.field, err.value.rule) == ("unit_id", "C-11")
    assert _issue_count(app, admin) == 0
    units.reactivate_unit(uow_of(app, admin), unit.id)
    issue = issues.report(uow_of(app, occupier), occupier, title="Leak", unit_id=unit.id)
    assert (issue.unit_id, issue.status) == (unit.id, Status.REPORTED)


def test_c_11_setting_on_refuses_a_unit_merged_away(app: App, admin: Principal) -> None:
    _only_uploaded(app, admin, True)
    survivor, duplicate = make_unit(app, admin), make_unit(app, admin)
    units.merge_units(uow_of(app, admin), survivor_id=survivor.id, duplicate_id=duplicate.id)
    with pytest.raises(InvalidError) as err:
        issues.report(uow_of(app, admin), admin, title="Leak", unit_id=duplicate.id)
    assert err.value.rule == "C-11"


def test_c_11_setting_off_accepts_a_free_typed_address(app: App, admin: Principal) -> None:
    _only_uploaded(app, admin, False)
    occupier = as_occupier(living_occupier(app, admin, make_unit(app, admin)))
    issue = issues.report(
        uow_of(app, occupier), occupier, title="Gate broken", free_address=" 3 Mill Lane, York "
    )
    stored = issues.get(uow_of(app, admin), admin, issue.id)
    assert (stored.unit_id, stored.free_address) == (None, "3 Mill Lane, York")
    assert stored.reporter_occupier_id == occupier.subject_id


def test_c_11_an_address_or_a_unit_is_always_needed(app: App, admin: Principal) -> None:
    with pytest.raises(InvalidError) as err:
        issues.report(uow_of(app, admin), admin, title="Leak", free_address="   ")
    assert err.value.field == "unit_id"


def test_an_occupier_reports_only_at_the_units_of_its_current_tenancies(
    app: App, admin: Principal
) -> None:
    home, moved_out, elsewhere = (make_unit(app, admin) for _ in range(3))
    tenant = living_occupier(app, admin, home)
    last_year = date.today() - timedelta(days=365)
    make_tenancy(app, admin, tenant, moved_out, start_date=last_year, end_date=last_year)
    occupier = as_occupier(tenant)
    for unit in (moved_out, elsewhere):
        with pytest.raises(NotFoundError) as err:
            issues.report(uow_of(app, occupier), occupier, title="Leak", unit_id=unit.id)
        assert err.value.field == "unit_id"
    assert _issue_count(app, admin) == 0
    issue = issues.report(uow_of(app, occupier), occupier, title="Leak", unit_id=home.id)
    assert (issue.unit_id, issue.reporter_occupier_id) == (home.id, tenant.id)
