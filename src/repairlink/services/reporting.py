"""Reporting an issue (C-11): by an occupier for their home (a unit of one of their current
tenancies), by staff for an occupier or for themselves; with photos. `services.issues`
re-exports it with the rest of the lifecycle."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from repairlink.domain.agency import Agency, Role
from repairlink.domain.issues import PRIORITIES, Issue
from repairlink.domain.people import Occupier, Tenancy
from repairlink.domain.places import Unit
from repairlink.errors import InvalidError
from repairlink.services.auth import Principal
from repairlink.services.files import FileStore
from repairlink.services.issue_files import Upload, check_photos, keep
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork, not_found

STAFF = (Role.ADMIN, Role.AGENT)


def check_where(
    agency: Agency, unit_id: int | None, free_address: str, find_unit: Callable[[int], Unit]
) -> None:
    """A unit of the agency, or a typed address; C-11 allows only an active unit."""
    if agency.only_display_uploaded_properties and free_address.strip():
        raise InvalidError(
            "issue.free_address_off",
            "Free-typed addresses are switched off: choose one of the agency's properties",
            field="unit_id",
            rule="C-11",
        )
    if unit_id is not None:
        unit = find_unit(unit_id)
        if not unit.active and agency.only_display_uploaded_properties:
            raise InvalidError(
                "issue.unit_inactive",
                "Issues can only be reported against active properties",
                field="unit_id",
                rule="C-11",
            )
    elif agency.only_display_uploaded_properties:
        raise InvalidError(
            "issue.unit_required",
            "Choose one of the agency's properties; free-typed addresses are switched off",
            field="unit_id",
            rule="C-11",
        )
    elif not free_address.strip():
        raise InvalidError(
            "issue.address_required", "Choose the property, or type its address", field="unit_id"
        )


def report(
    uow: UnitOfWork,
    who: Principal,
    *,
    title: str,
    description: str = "",
    category: str = "",
    priority: str = "normal",
    planned: bool = False,
    unit_id: int | None = None,
    free_address: str = "",
    reporter_occupier_id: int | None = None,
    manager_ref: str | None = None,
    photos: list[Upload] | None = None,
    files: FileStore | None = None,
) -> Issue:
    """Report an issue, with photos if given (they need `files`). C-11: with 'only display
    uploaded properties' on, only an active unit of the platform will do, never a free-typed
    address. An occupier reports at their home only; staff report for an occupier
    (`reporter_occupier_id`) or for themselves."""
    who.require(*STAFF, Role.OCCUPIER)
    check_title(title)
    check_priority(priority)
    check_photos(photos or [])
    if who.role is Role.OCCUPIER:
        reporter_occupier_id = who.subject_id
    with uow:
        if who.role is Role.OCCUPIER and unit_id is not None:
            check_home(uow, who.subject_id, unit_id)
        check_where(
            uow.this_agency(),
            unit_id,
            free_address,
            lambda unit: uow.get(Unit, unit, field="unit_id"),
        )
        reporter = _reporter(uow, reporter_occupier_id)
        number = last_number(uow) + 1
        issue = Issue(
            agency_id=uow.agency,
            number=number,
            title=title.strip(),
            description=description,
            category=category,
            priority=priority,
            planned=planned,
            unit_id=unit_id,
            free_address=free_address.strip(),
            reporter_occupier_id=reporter_occupier_id,
            reporter_name=reporter.display_name if reporter else "",
            reporter_email=reporter.email if reporter else None,
            reporter_phone=reporter.phone if reporter else None,
            manager_ref=manager_ref,
            created_at=uow.now(),
            updated_at=uow.now(),
        )
        # inserted, audited and its event written as a sync's page of issues is (a statement
        # each): the ORM's flushes of one new issue and its event cost more than the rest of
        # reporting it
        uow.add_many([issue])
        if photos and files is not None:
            keep(uow, files, issue, [("photo", photo) for photo in photos])
        uow.emit_many("issue.created", [issue], [{"number": number, "status": issue.status.value}])
        uow.commit()
    return issue


def _reporter(uow: UnitOfWork, occupier_id: int | None) -> Occupier | None:
    if occupier_id is None:
        return None
    return uow.get(Occupier, occupier_id, field="reporter_occupier_id")


def home_unit_ids(uow: UnitOfWork, occupier_id: int | None) -> list[int]:
    """The units of the occupier's tenancies running today: where they may report."""
    tenancy = cols(Tenancy)
    theirs = uow.all(uow.select(Tenancy, tenancy.occupier_id == occupier_id))
    today = uow.now().date()
    return list(dict.fromkeys(t.unit_id for t in theirs if t.covers(today)))


def homes_of(uow: UnitOfWork, who: Principal) -> list[int]:
    """The units the occupier `who` may report at (the report form offers these)."""
    with uow:
        return home_unit_ids(uow, who.subject_id)


def check_home(uow: UnitOfWork, occupier_id: int | None, unit_id: int) -> None:
    """An occupier reports only at their home. Another unit is answered as one that does not
    exist, so that an occupier cannot learn which units the agency has (C-01)."""
    if unit_id not in home_unit_ids(uow, occupier_id):
        raise not_found(Unit, unit_id, field="unit_id")


def check_priority(priority: str) -> None:
    """Only a priority the console's list can filter by: another would hide the issue there."""
    if priority not in PRIORITIES:
        raise InvalidError(
            "issue.bad_priority", f"Choose one of {', '.join(PRIORITIES)}", field="priority"
        )


def check_title(title: str) -> None:
    if not title.strip():
        raise InvalidError("issue.title_required", "Give the issue a title", field="title")


def last_number(uow: UnitOfWork) -> int:
    """The agency's highest issue number (0: none yet); the next issue takes the one after.
    The agency's row is locked first, until the report commits: two reports at once take
    their numbers one after the other (on PostgreSQL both would take the same, and the second
    fail on the agency's unique numbers)."""
    uow.this_agency(lock=True)
    issue = cols(Issue)
    found = uow.session.scalar(
        sa.select(sa.func.max(issue.number)).where(issue.agency_id == uow.agency)
    )
    return int(found or 0)
