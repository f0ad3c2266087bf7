"""C-09 (comments to 'all occupiers' reach only those living at the unit that day) and C-10
(a contractor sees the contact details only of occupiers active at the issue's unit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from repairlink.bootstrap import App
from repairlink.domain.issues import Issue, Party, PayingForWork
from repairlink.domain.people import Occupier
from repairlink.domain.places import Unit
from repairlink.errors import InvalidError, NotFoundError
from repairlink.services import issues, occupiers
from repairlink.services.auth import Principal
from tests.factories import (
    as_contractor,
    as_occupier,
    make_contractor,
    make_issue,
    make_occupier,
    make_tenancy,
    make_unit,
    uow_of,
)
from tests.integration.test_issue_lifecycle import snapshot


@dataclass
class Household:
    unit: Unit
    living: list[Occupier]  # expected to be reached
    gone: list[Occupier]  # expected not to be


def household(app: App, who: Principal) -> Household:
    """One of each case around a unit, relative to today (UTC, the services' clock)."""
    today = datetime.now(UTC).date()
    day = timedelta(days=1)
    unit, elsewhere = make_unit(app, who), make_unit(app, who)

    def occ(name: str, at: Unit | None = unit, **tenancy: object) -> Occupier:
        o = make_occupier(app, who, first_name=name)
        if at is not None:
            make_tenancy(app, who, o, at, **tenancy)
        return o

    open_ended = occ("Open")
    periodic = occ(
        "Periodic", start_date=today - 400 * day, end_date=today - 30 * day, periodic=True
    )
    last_day = occ("LastDay", start_date=today - 365 * day, end_date=today)
    locked = occ("Locked")
    occupiers.lock(uow_of(app, who), locked.id)
    moved_out = occ("MovedOut", start_date=today - 365 * day, end_date=today - day)
    moving_in = occ("MovingIn", start_date=today + day)
    inactive = occ("Inactive", active=False)
    next_door = occ("NextDoor", at=elsewhere)
    no_tenancy = occ("Nowhere", at=None)
    return Household(
        unit,
        living=[open_ended, periodic, last_day],
        gone=[locked, moved_out, moving_in, inactive, next_door, no_tenancy],
    )


def test_c_09_comment_to_all_occupiers_reaches_only_active_ones(app: App, admin: Principal) -> None:
    home = household(app, admin)
    issue = make_issue(app, admin, home.unit)
    comment = issues.add_comment(
        uow_of(app, admin), admin, issue.id, body="Engineer on Tuesday", to_all_occupiers=True
    )
    expected = sorted(o.id for o in home.living)
    assert sorted(comment.recipient_ids) == expected
    stored = issues.comments_of(uow_of(app, admin), admin, issue.id)
    assert sorted(stored[0].recipient_ids) == expected
    event = [r for r in snapshot(app, issue.id)["outbox"] if r[2] == "issue.commented"][-1]
    assert sorted(event[5]["recipients"]) == expected


def test_c_09_unlocking_brings_an_occupier_back_into_reach(app: App, admin: Principal) -> None:
    home = household(app, admin)
    issue = make_issue(app, admin, home.unit)
    locked = home.gone[0]
    occupiers.unlock(uow_of(app, admin), locked.id)
    comment = issues.add_comment(
        uow_of(app, admin), admin, issue.id, body="Update", to_all_occupiers=True
    )
    assert locked.id in comment.recipient_ids


def test_c_09_a_comment_not_for_occupiers_reaches_none(app: App, admin: Principal) -> None:
    home = household(app, admin)
    issue = make_issue(app, admin, home.unit)
    comment = issues.add_comment(uow_of(app, admin), admin, issue.id, body="Internal note")
    assert comment.recipient_ids == []


def test_c_09_all_occupiers_needs_a_unit(app: App, admin: Principal) -> None:
    issue = issues.report(uow_of(app, admin), admin, title="Gate", free_address="1 Lane, Leeds")
    with pytest.raises(InvalidError) as err:
        issues.add_comment(uow_of(app, admin), admin, issue.id, body="Hi", to_all_occupiers=True)
    assert err.value.rule == "C-09"


def _instructed(app: App, admin: Principal, issue: Issue) -> Principal:
    contractor = make_contractor(app, admin)
    issues.instruct(
        uow_of(app, admin),
        admin,
        issue.id,
        party=Party.CONTRACTOR,
        party_id=contractor.id,
        paying=PayingForWork.LANDLORD,
    )
    return as_contractor(contractor)


def test_c_10_occupier_contacts_exclude_archived_and_not_living_there(
    app: App, admin: Principal
) -> None:
    home = household(app, admin)
    issue = make_issue(app, admin, home.unit)
    contractor = _instructed(app, admin, issue)
    contacts = issues.occupier_contacts(uow_of(app, contractor), contractor, issue.id)
    assert sorted(o.id for o in contacts) == sorted(o.id for o in home.living)
    assert all(o.email and o.phone for o in contacts)


def test_c_10_a_contractor_not_on_the_job_sees_no_contacts(app: App, admin: Principal) -> None:
    home = household(app, admin)
    issue = make_issue(app, admin, home.unit)
    _instructed(app, admin, issue)
    stranger = as_contractor(make_contractor(app, admin))
    with pytest.raises(NotFoundError):
        issues.occupier_contacts(uow_of(app, stranger), stranger, issue.id)


def test_c_10_a_contractor_does_not_see_the_contact_details_of_a_reporter_who_left(
    app: App, admin: Principal
) -> None:
    unit = make_unit(app, admin)
    reporter = make_occupier(app, admin, phone="07700 900555")
    make_tenancy(app, admin, reporter, unit)
    me = as_occupier(reporter)
    issue = issues.report(uow_of(app, me), me, title="Damp", unit_id=unit.id)
    contractor = _instructed(app, admin, issue)

    seen = issues.get(uow_of(app, contractor), contractor, issue.id)
    assert (seen.reporter_email, seen.reporter_phone) == (reporter.email, "+447700900555")

    occupiers.lock(uow_of(app, admin), reporter.id)
    seen = issues.get(uow_of(app, contractor), contractor, issue.id)
    assert (seen.reporter_email, seen.reporter_phone) == (None, None)
    listed = issues.list_issues(uow_of(app, contractor), contractor).items
    assert [(i.id, i.reporter_email, i.reporter_phone) for i in listed] == [(issue.id, None, None)]
    # staff still see the record as it is, and nothing was written by the contractor's view
    staff = issues.get(uow_of(app, admin), admin, issue.id)
    assert (staff.reporter_email, staff.reporter_phone) == (reporter.email, "+447700900555")
