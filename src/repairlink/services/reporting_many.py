"""Reporting many issues at once (C-11), as a sync reports a page of inbound work orders: each
issue is checked and refused exactly as `reporting.report` would, and the ones taken get the
same consecutive numbers, status, audit entries and `issue.created` events (with their
deliveries), written in a handful of statements for the page rather than a dozen per issue."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import load_only

from repairlink.domain.agency import Agency, Role
from repairlink.domain.issues import Issue
from repairlink.domain.people import Occupier
from repairlink.domain.places import Unit
from repairlink.errors import RepairlinkError
from repairlink.services.auth import Principal
from repairlink.services.reporting import (
    STAFF,
    check_priority,
    check_title,
    check_where,
    last_number,
)
from repairlink.store.uow import UnitOfWork, not_found

T = TypeVar("T")
# What a page's checks read of its units (C-11) and reporters (the issue's copy of their name
# and contacts): the rest of a row is not loaded (a sync's page of work orders loaded every
# column of every unit and occupier it named, 40% of reporting the page).
UNIT_READS = ("active",)
REPORTER_READS = ("first_name", "surname", "company", "email", "phone")


@dataclass(frozen=True)
class NewIssue:
    """What `report` is given for one issue (no photos, no free-typed address: a sync's)."""

    title: str
    description: str = ""
    category: str = ""
    priority: str = "normal"
    unit_id: int | None = None
    reporter_occupier_id: int | None = None
    manager_ref: str | None = None


def report_many(
    uow: UnitOfWork, who: Principal, wanted: Sequence[NewIssue]
) -> list[Issue | RepairlinkError]:
    """One answer per issue wanted, in order: the issue reported, or why it was refused (the
    error `report` would raise). Nothing is written for a refused one, and it takes no number."""
    who.require(*STAFF, Role.OCCUPIER)
    with uow:
        agency = uow.this_agency()
        units = _by_id(uow, Unit, (w.unit_id for w in wanted), UNIT_READS)
        reporters = _by_id(uow, Occupier, (_reporter_id(who, w) for w in wanted), REPORTER_READS)
        number = last_number(uow)
        now = uow.now()
        answers: list[Issue | RepairlinkError] = []
        for one in wanted:
            try:
                issue = _new_issue(uow, who, agency, units, reporters, one)
            except RepairlinkError as refused:
                answers.append(refused)
                continue
            number += 1
            issue.number, issue.created_at, issue.updated_at = number, now, now
            answers.append(issue)
        made = [a for a in answers if isinstance(a, Issue)]
        uow.add_many(made)
        uow.emit_many(
            "issue.created", made, [{"number": i.number, "status": i.status.value} for i in made]
        )
        uow.commit()
    return answers


def _new_issue(
    uow: UnitOfWork,
    who: Principal,
    agency: Agency,
    units: dict[int, Unit],
    reporters: dict[int, Occupier],
    one: NewIssue,
) -> Issue:
    """The issue `report` would make, its checks in `report`'s order (number and times are
    the caller's)."""
    check_title(one.title)
    check_priority(one.priority)
    check_where(agency, one.unit_id, "", _finder(units, Unit, "unit_id"))
    reporter_id = _reporter_id(who, one)
    reporter = (
        _finder(reporters, Occupier, "reporter_occupier_id")(reporter_id)
        if reporter_id is not None
        else None
    )
    return Issue(
        agency_id=uow.agency,
        number=0,
        title=one.title.strip(),
        description=one.description,
        category=one.category,
        priority=one.priority,
        unit_id=one.unit_id,
        reporter_occupier_id=reporter_id,
        reporter_name=reporter.display_name if reporter else "",
        reporter_email=reporter.email if reporter else None,
        reporter_phone=reporter.phone if reporter else None,
        manager_ref=one.manager_ref,
    )


def _reporter_id(who: Principal, one: NewIssue) -> int | None:
    return who.subject_id if who.role is Role.OCCUPIER else one.reporter_occupier_id


def _by_id(
    uow: UnitOfWork, cls: type[T], ids: Iterable[int | None], reads: Sequence[str]
) -> dict[int, T]:
    """The agency's records of `cls` among `ids`, loaded in one query with the attributes
    the checks read (another one read is loaded when read, as the ORM does)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    only = load_only(*(getattr(cls, name) for name in reads))
    found = uow.all(uow.by_ids(cls, wanted).options(only))
    return {record.id: record for record in found}  # type: ignore[attr-defined]


def _finder(found: dict[int, T], cls: type[T], field: str) -> Callable[[int], T]:
    """`uow.get` over records loaded beforehand: a missing id (or another agency's) is
    refused as `get` refuses it."""

    def find(record_id: int) -> T:
        if record_id not in found:
            raise not_found(cls, record_id, field=field)
        return found[record_id]

    return find
