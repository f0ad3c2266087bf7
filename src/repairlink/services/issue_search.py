"""Finding issues for the console's lists: search by number, title, address and contractor;
filter by status, priority, contractor, landlord, reporter and property; oldest or newest first;
numbered pages with the total. Each role sees only what it may (services.issue_reads.scope)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from repairlink.domain.issues import Issue, Status
from repairlink.domain.people import Contractor, ExternalRef
from repairlink.domain.places import Unit
from repairlink.services.auth import Principal
from repairlink.services.issue_reads import contacts_for, scope
from repairlink.services.pagination import Numbered, numbered
from repairlink.services.people_and_places import contains, search_clause
from repairlink.services.units import address_words
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

_NUMBER = re.compile(r"^(?:is)?\s*#?(\d{1,9})$", re.IGNORECASE)


class IssueOrder(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"


@dataclass(frozen=True)
class IssueQuery:
    q: str = ""
    status: Status | None = None
    priority: str = ""
    contractor_id: int | None = None
    landlord_id: int | None = None
    occupier_id: int | None = None
    unit_id: int | None = None
    order: IssueOrder = IssueOrder.NEWEST


def _text(uow: UnitOfWork, q: str) -> sa.ColumnElement[bool]:
    """'IS12' or '12' finds issue 12; otherwise every word is in the title, the address (the
    unit's, or the one typed in) or the instructed contractor's name."""
    issue, unit, contractor = cols(Issue), cols(Unit), cols(Contractor)
    found = _NUMBER.match(q.strip())
    by_number = [issue.number == int(found.group(1))] if found else []
    ref = cols(ExternalRef)  # PX-07: the PMS's own number for the issue finds it too
    by_number.append(
        issue.id.in_(
            sa.select(ref.entity_id).where(
                ref.agency_id == uow.agency,
                ref.entity_kind == "issue_number",
                ref.external_id == q.strip(),
            )
        )
    )
    words = [
        sa.or_(
            sa.func.lower(issue.title).like(contains(word), escape="\\"),
            sa.func.lower(issue.free_address).like(contains(word), escape="\\"),
            issue.unit_id.in_(
                sa.select(unit.id).where(unit.agency_id == uow.agency, address_words(word))
            ),
            issue.contractor_id.in_(
                sa.select(contractor.id).where(
                    contractor.agency_id == uow.agency, search_clause(Contractor, word)
                )
            ),
        )
        for word in q.lower().split()
    ]
    return sa.or_(*by_number, sa.and_(*words)) if words else sa.true()


def _filters(uow: UnitOfWork, who: Principal, query: IssueQuery) -> list[sa.ColumnElement[bool]]:
    issue = cols(Issue)
    where = scope(who)
    if query.q.strip():
        where.append(_text(uow, query.q))
    for column, value in (
        (issue.status, query.status),
        (issue.priority, query.priority or None),
        (issue.contractor_id, query.contractor_id),
        (issue.landlord_id, query.landlord_id),
        (issue.reporter_occupier_id, query.occupier_id),
        (issue.unit_id, query.unit_id),
    ):
        if value is not None:
            where.append(column == value)
    return where


def find_issues(
    uow: UnitOfWork, who: Principal, query: IssueQuery, *, page: int = 1, per_page: int = 50
) -> Numbered[Issue]:
    issue = cols(Issue)
    order = issue.id.asc() if query.order is IssueOrder.OLDEST else issue.id.desc()
    with uow.reading():
        stmt = uow.select(Issue, *_filters(uow, who, query))
        found = numbered(uow, stmt, order, page=page, per_page=per_page)
        found.items = contacts_for(uow, who, found.items)
        return found
