"""Occupier hygiene (H-01..H-04) and who counts as living at a unit today (C-09, C-10)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

import sqlalchemy as sa

from repairlink.domain.agency import ApiKey, Role, User
from repairlink.domain.issues import Comment, Issue
from repairlink.domain.people import ExternalRef, Occupier, Tenancy
from repairlink.errors import InvalidError
from repairlink.services.pagination import Numbered, Page, numbered, paginate
from repairlink.services.people_and_places import search_clause
from repairlink.store.mail_tables import mail_messages, password_links
from repairlink.store.outbound_tables import deliveries, delivery_attempts
from repairlink.store.tables import audit_log, cols
from repairlink.store.uow import UnitOfWork

RECENTLY_ARCHIVED = timedelta(days=3)
ANONYMISED = "Deleted occupier"
PERSONAL_ISSUE_FIELDS = ("reporter_name", "reporter_email", "reporter_phone")


class OccupierFilter(StrEnum):
    """H-02. The default keeps occupiers archived in the last three days in view."""

    ACTIVE_AND_RECENTLY_ARCHIVED = "active_and_recently_archived"
    ACTIVE = "active"
    ARCHIVED = "archived"
    ALL = "all"


def _filters(
    uow: UnitOfWork, status: OccupierFilter, q: str, unit_id: int | None
) -> list[sa.ColumnElement[bool]]:
    archived_at = cols(Occupier).archived_at
    where: list[sa.ColumnElement[bool]] = []
    if status is OccupierFilter.ACTIVE:
        where.append(archived_at.is_(None))
    elif status is OccupierFilter.ARCHIVED:
        where.append(archived_at.is_not(None))
    elif status is OccupierFilter.ACTIVE_AND_RECENTLY_ARCHIVED:
        where.append(sa.or_(archived_at.is_(None), archived_at >= uow.now() - RECENTLY_ARCHIVED))
    if q.strip():
        where.append(search_clause(Occupier, q))
    if unit_id is not None:
        tenancy = cols(Tenancy)
        tenants = sa.select(tenancy.occupier_id).where(tenancy.unit_id == unit_id)
        where.append(cols(Occupier).id.in_(tenants))
    return where


def list_occupiers(
    uow: UnitOfWork,
    *,
    status: OccupierFilter = OccupierFilter.ACTIVE_AND_RECENTLY_ARCHIVED,
    q: str = "",
    unit_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Occupier]:
    with uow.reading():
        where = _filters(uow, status, q, unit_id)
        return paginate(
            uow, uow.select(Occupier, *where), cols(Occupier).id, cursor=cursor, limit=limit
        )


def find_occupiers(
    uow: UnitOfWork,
    *,
    status: OccupierFilter = OccupierFilter.ACTIVE_AND_RECENTLY_ARCHIVED,
    q: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Numbered[Occupier]:
    """The console's list: the same filters, numbered pages with the total."""
    with uow.reading():
        where = _filters(uow, status, q, None)
        stmt = uow.select(Occupier, *where)
        return numbered(uow, stmt, cols(Occupier).id, page=page, per_page=per_page)


def lock(uow: UnitOfWork, occupier_id: int) -> Occupier:
    """H-01: the lock icon archives the occupier; they can no longer log in."""
    with uow:
        occupier = uow.get(Occupier, occupier_id)
        occupier.lock(uow.now())
        uow.emit("occupier.archived", occupier)
        uow.commit()
    return occupier


def unlock(uow: UnitOfWork, occupier_id: int) -> Occupier:
    with uow:
        occupier = uow.get(Occupier, occupier_id)
        occupier.unlock()
        uow.emit("occupier.restored", occupier)
        uow.commit()
    return occupier


def bulk_archive(uow: UnitOfWork, occupier_ids: list[int]) -> list[Occupier]:
    """H-03: one action, one transaction; an unknown id refuses the whole selection."""
    if not occupier_ids:
        raise InvalidError(
            "occupier.none_selected",
            "Select at least one occupier",
            field="occupier_ids",
            rule="H-03",
        )
    with uow:
        chosen = [uow.get(Occupier, i, field="occupier_ids") for i in dict.fromkeys(occupier_ids)]
        for occupier in chosen:
            if occupier.active:
                occupier.archive(uow.now())
                uow.emit("occupier.archived", occupier)
        uow.commit()
    return chosen


def delete(uow: UnitOfWork, occupier_id: int, *, confirm: bool) -> None:
    """H-04: permanent. Anonymises the occupier on their issues and removes their personal data
    from every other place: tenancies, logins, comment recipient lists, the audit trail, the
    mail log."""
    if confirm is not True:
        raise InvalidError(
            "occupier.delete_unconfirmed",
            "Deleting an occupier cannot be undone: confirm it explicitly",
            field="confirm",
            rule="H-04",
        )
    with uow:
        occupier = uow.get(Occupier, occupier_id)
        reported = uow.all(uow.select(Issue, cols(Issue).reporter_occupier_id == occupier.id))
        for issue in reported:
            issue.reporter_occupier_id = None
            issue.reporter_name, issue.reporter_email, issue.reporter_phone = ANONYMISED, None, None
        for comment in uow.all(uow.select(Comment)):
            if occupier.id in comment.recipient_ids:
                comment.recipient_ids = [i for i in comment.recipient_ids if i != occupier.id]
        user, key, ref = cols(User), cols(ApiKey), cols(ExternalRef)
        logins = uow.all(
            uow.select(User, user.role == Role.OCCUPIER, user.subject_id == occupier.id)
        )
        keys = uow.all(uow.select(ApiKey, key.role == Role.OCCUPIER, key.subject_id == occupier.id))
        tenancies = uow.all(uow.select(Tenancy, cols(Tenancy).occupier_id == occupier.id))
        refs = uow.all(
            uow.select(ExternalRef, ref.entity_kind == "occupier", ref.entity_id == occupier.id)
        )
        for row in [*logins, *keys, *tenancies, *refs]:
            uow.delete(row)
        uow.flush()
        uow.delete(occupier)
        uow.flush()
        _scrub_audit(
            uow,
            occupier.id,
            {"user": [u.id for u in logins], "api_key": [k.id for k in keys]},
            [r.id for r in refs],
            [i.id for i in reported],
        )
        _scrub_mail(uow, occupier.id)
        uow.emit("occupier.deleted", occupier)
        uow.commit()


def _scrub_audit(
    uow: UnitOfWork,
    occupier_id: int,
    credentials: dict[str, list[int]],
    ref_ids: list[int],
    issue_ids: list[int],
) -> None:
    """Remove the occupier's personal data from the audit trail: their own record's entries
    (but the bare 'deleted' one), their logins' and keys' entries, their external references'
    entries, the reporter fields on their issues' entries, and their login email where it names
    them as the actor of a change (an issue they reported, feedback they left)."""
    conn = uow.session.connection()
    log = audit_log.c
    mine = sa.and_(
        log.agency_id == uow.agency,
        sa.or_(
            sa.and_(
                log.entity_kind == "occupier", log.entity_id == occupier_id, log.action != "deleted"
            ),
            *[
                sa.and_(log.entity_kind == kind, log.entity_id.in_(ids))
                for kind, ids in [*credentials.items(), ("external_ref", ref_ids)]
            ],
        ),
    )
    conn.execute(sa.delete(audit_log).where(mine))
    for kind, ids in credentials.items():
        acted = sa.and_(log.agency_id == uow.agency, log.actor_kind == kind, log.actor_id.in_(ids))
        conn.execute(sa.update(audit_log).where(acted).values(actor_label=ANONYMISED))
    if not issue_ids:
        return
    rows = conn.execute(
        sa.select(log.id, log.changes).where(
            log.agency_id == uow.agency, log.entity_kind == "issue", log.entity_id.in_(issue_ids)
        )
    )
    for row_id, changes in rows.all():
        if any(name in changes for name in PERSONAL_ISSUE_FIELDS):
            kept = {k: v for k, v in changes.items() if k not in PERSONAL_ISSUE_FIELDS}
            conn.execute(sa.update(audit_log).where(log.id == row_id).values(changes=kept))


def _scrub_mail(uow: UnitOfWork, occupier_id: int) -> None:
    """Their messages stay in the log as to a deleted occupier, without what the mail server
    answered about their address; their links stop working."""
    conn, m, d = uow.session.connection(), mail_messages.c, deliveries.c
    mine = sa.and_(
        m.agency_id == uow.agency, m.recipient_kind == "occupier", m.recipient_id == occupier_id
    )
    sends = sa.select(d.id).where(
        d.agency_id == uow.agency, d.channel == "mail", d.target_id.in_(sa.select(m.id).where(mine))
    )
    conn.execute(
        sa.update(delivery_attempts)
        .where(delivery_attempts.c.delivery_id.in_(sends))
        .values(error=None)
    )
    conn.execute(sa.update(deliveries).where(d.id.in_(sends)).values(last_error=None))
    conn.execute(
        sa.update(mail_messages)
        .where(mine)
        .values(recipient_id=None, recipient_name=ANONYMISED, to_address=None)
    )
    link = password_links.c
    conn.execute(
        sa.delete(password_links).where(
            link.agency_id == uow.agency, link.occupier_id == occupier_id
        )
    )


def active_at_unit(uow: UnitOfWork, unit_id: int, day: date) -> list[Occupier]:
    """Occupiers living at the unit on `day`: not archived, with a tenancy that covers the day."""
    tenancies = uow.all(uow.select(Tenancy, cols(Tenancy).unit_id == unit_id))
    living = {t.occupier_id for t in tenancies if t.covers(day)}
    occupier = cols(Occupier)
    query = uow.by_ids(Occupier, living).where(occupier.archived_at.is_(None))
    return uow.all(query.order_by(occupier.id))


def living_at(uow: UnitOfWork, unit_id: int) -> list[Occupier]:
    """`active_at_unit` today, in its own transaction (for pages and forms)."""
    with uow.reading():
        return active_at_unit(uow, unit_id, uow.now().date())
