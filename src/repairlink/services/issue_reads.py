"""Who may see an issue, and the reads of issues and what hangs off them (C-01, C-10).
`services.issues` re-exports the reads, so callers have one module for issues."""

from __future__ import annotations

import dataclasses
import re

import sqlalchemy as sa

from repairlink.domain.agency import Role
from repairlink.domain.issues import Comment, Document, Issue, Quote, Status
from repairlink.domain.people import ExternalRef, Occupier
from repairlink.errors import NotFoundError
from repairlink.services.auth import Principal
from repairlink.services.issue_files import may_see
from repairlink.services.occupiers import active_at_unit
from repairlink.services.pagination import Page, paginate
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork


def visible(uow: UnitOfWork, who: Principal, issue: Issue) -> bool:
    """Staff see every issue; a contractor its own jobs and quote requests; an occupier theirs."""
    if who.is_staff:
        return True
    if who.role is Role.OCCUPIER:
        return issue.reporter_occupier_id == who.subject_id
    if issue.contractor_id == who.subject_id:
        return True
    quote = cols(Quote)
    asked = uow.select(Quote, quote.issue_id == issue.id, quote.contractor_id == who.subject_id)
    return uow.first(asked) is not None


def load(uow: UnitOfWork, who: Principal, issue_id: int, *roles: Role) -> Issue:
    """The issue, if `who` may see it and has one of `roles` (any, if none given)."""
    return _checked(uow, who, issue_id, roles, uow.get(Issue, issue_id))


def load_to_change(uow: UnitOfWork, who: Principal, issue_id: int, *roles: Role) -> Issue:
    """`load` for a change (`UnitOfWork.get_to_change`): its row locked until the change
    commits (C-03), so that two changes to one issue at once go one after the other, the second
    checked against the status the first left (on PostgreSQL both would pass the same check,
    and the second's status overwrite the first's: two cancellations reaching the PMS)."""
    return _checked(uow, who, issue_id, roles, uow.get_to_change(Issue, issue_id))


def _checked(
    uow: UnitOfWork, who: Principal, issue_id: int, roles: tuple[Role, ...], issue: Issue
) -> Issue:
    if not visible(uow, who, issue):
        raise NotFoundError(
            "issue.not_found", f"No issue {issue_id}", field="issue_id", rule="C-01"
        )
    if roles:
        who.require(*roles)
    return issue


def contacts_for(uow: UnitOfWork, who: Principal, found: list[Issue]) -> list[Issue]:
    """C-10: a contractor sees a reporter's email and phone only while the reporter is active
    at the issue's unit; otherwise it gets a detached copy without them (nothing is written)."""
    if who.role is not Role.CONTRACTOR:
        return found
    today = uow.now().date()
    living: dict[int, set[int]] = {}
    shown = []
    for issue in found:
        if issue.reporter_occupier_id is not None and (
            issue.reporter_email is not None or issue.reporter_phone is not None
        ):
            if issue.unit_id is not None and issue.unit_id not in living:
                living[issue.unit_id] = {o.id for o in active_at_unit(uow, issue.unit_id, today)}
            if issue.reporter_occupier_id not in living.get(issue.unit_id or 0, set()):
                issue = dataclasses.replace(issue, reporter_email=None, reporter_phone=None)
        shown.append(issue)
    return shown


def get(uow: UnitOfWork, who: Principal, issue_id: int) -> Issue:
    with uow.reading():
        return contacts_for(uow, who, [load(uow, who, issue_id)])[0]


def occupier_contacts(uow: UnitOfWork, who: Principal, issue_id: int) -> list[Occupier]:
    """C-10: who can be contacted about the job: only occupiers active at the unit today."""
    with uow.reading():
        issue = load(uow, who, issue_id)
        if issue.unit_id is None:
            return []
        return active_at_unit(uow, issue.unit_id, uow.now().date())


def scope(who: Principal) -> list[sa.ColumnElement[bool]]:
    """The issues `who` may list: all for staff, a contractor's jobs and quote requests, an
    occupier's own."""
    issue = cols(Issue)
    if who.role is Role.OCCUPIER:
        return [issue.reporter_occupier_id == who.subject_id]
    if who.role is Role.CONTRACTOR:
        quote = cols(Quote)
        asked = sa.select(quote.issue_id).where(quote.contractor_id == who.subject_id)
        return [sa.or_(issue.contractor_id == who.subject_id, issue.id.in_(asked))]
    return []


def list_issues(
    uow: UnitOfWork,
    who: Principal,
    *,
    status: Status | None = None,
    number: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Issue]:
    issue = cols(Issue)
    where = scope(who)
    if status is not None:
        where.append(issue.status == status)
    if number:
        where.append(_numbered(uow, number))
    with uow.reading():
        page = paginate(uow, uow.select(Issue, *where), issue.id, cursor=cursor, limit=limit)
        return Page(contacts_for(uow, who, page.items), page.next_cursor)


def _numbered(uow: UnitOfWork, number: str) -> sa.ColumnElement[bool]:
    """Issues by their number, as the platform writes it (IS12, or 12) or as a PMS that numbers
    its work orders itself does (PX-07): both stay searchable."""
    text = number.strip()
    ref = cols(ExternalRef)
    by_pms = sa.select(ref.entity_id).where(
        ref.agency_id == uow.agency, ref.entity_kind == "issue_number", ref.external_id == text
    )
    ours = re.fullmatch(r"(?i)(?:IS)?(\d{1,9})", text)
    by_us = cols(Issue).number == int(ours.group(1)) if ours else sa.false()
    return sa.or_(by_us, cols(Issue).id.in_(by_pms))


def quotes_of(uow: UnitOfWork, who: Principal, issue_id: int) -> list[Quote]:
    with uow.reading():
        issue = load(uow, who, issue_id)
        query = uow.select(Quote, cols(Quote).issue_id == issue.id)
        if who.role is Role.CONTRACTOR:
            query = query.where(cols(Quote).contractor_id == who.subject_id)
        return uow.all(query.order_by(cols(Quote).id))


def documents_of(uow: UnitOfWork, who: Principal, issue_id: int) -> list[Document]:
    """The issue's documents that `who` may see (services.issue_files.may_see)."""
    with uow.reading():
        issue = load(uow, who, issue_id)
        found = uow.all(
            uow.select(Document, cols(Document).issue_id == issue.id).order_by(cols(Document).id)
        )
        quotes = {
            q.id: q.contractor_id
            for q in uow.all(uow.select(Quote, cols(Quote).issue_id == issue.id))
        }
    return [d for d in found if may_see(who, issue, d, quotes)]


def comments_of(uow: UnitOfWork, who: Principal, issue_id: int) -> list[Comment]:
    with uow.reading():
        issue = load(uow, who, issue_id)
        return uow.all(
            uow.select(Comment, cols(Comment).issue_id == issue.id).order_by(cols(Comment).id)
        )


def references_of(uow: UnitOfWork, issue_ids: set[int]) -> dict[int, str]:
    """Issue id -> its reference ('IS12'), for lists that name issues."""
    if not issue_ids:
        return {}
    with uow.reading():
        found = uow.all(uow.by_ids(Issue, issue_ids))
    return {i.id: i.reference for i in found}
