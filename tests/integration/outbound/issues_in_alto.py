"""Issues at Alto-synced units, taken through their lifecycle as agents and contractors do
(appoint, complete and close serve any agency linked to a PMS)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Protocol

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Issue, Party, PayingForWork
from repairlink.domain.values import Money
from repairlink.services import issues
from repairlink.services.auth import Principal
from repairlink.services.issues import Upload
from repairlink.store.tables import contractors, landlords, occupiers, tenancies
from tests.integration.outbound.conftest import Synced

CERTIFICATE = Upload("gas-safety.pdf", "application/pdf", b"%PDF-1.4 gas safe " + b"x" * 50)
INVOICE = Upload("invoice-77.pdf", "application/pdf", b"%PDF-1.4 invoice 77 " + b"y" * 50)


class AtAgency(Protocol):
    """An agency connected to a PMS: `Synced` (Alto), or the recording PMS's."""

    app: App
    agency_id: int


def staff(s: AtAgency) -> Principal:
    return Principal(s.agency_id, Role.ADMIN, None, Actor(ActorKind.USER, 1, "agent@example.com"))


def _alto_ids(s: Synced, kind: str) -> dict[int, str]:
    return {ours: theirs for theirs, ours in s.refs(kind).items()}


def tenant_at_unit(s: Synced) -> tuple[int, int]:
    """(unit id, occupier id): an active tenant of an Alto-synced unit, both known to Alto."""
    units, people = _alto_ids(s, "unit"), _alto_ids(s, "occupier")
    t, o = tenancies.c, occupiers.c
    with s.app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.unit_id, t.occupier_id)
            .join(occupiers, o.id == t.occupier_id)
            .where(t.agency_id == s.agency_id, t.active, o.archived_at.is_(None))
            .order_by(t.id)
        ).all()
    return next((u, p) for u, p in rows if u in units and p in people)


def alto_contractor(s: Synced) -> int:
    ours = _alto_ids(s, "contractor")
    c = contractors.c
    with s.app.engine.connect() as conn:
        ids = conn.execute(
            sa.select(c.id).where(c.agency_id == s.agency_id, c.archived_at.is_(None))
        ).scalars()
        return next(i for i in ids if i in ours)


def alto_landlord(s: Synced) -> int:
    ours = _alto_ids(s, "landlord")
    c = landlords.c
    with s.app.engine.connect() as conn:
        ids = conn.execute(
            sa.select(c.id).where(c.agency_id == s.agency_id, c.archived_at.is_(None))
        ).scalars()
        return next(i for i in ids if i in ours)


def reported(s: Synced, title: str = "Boiler not firing") -> Issue:
    unit_id, occupier_id = tenant_at_unit(s)
    who = staff(s)
    return issues.report(
        s.app.uow(who.actor, s.agency_id),
        who,
        title=f"{title} {uuid.uuid4().hex[:4]}",
        description="No hot water since Monday",
        priority="urgent",
        unit_id=unit_id,
        reporter_occupier_id=occupier_id,
    )


def instruct(
    s: Synced,
    issue: Issue,
    *,
    party: Party = Party.CONTRACTOR,
    paying: PayingForWork = PayingForWork.LANDLORD,
) -> Issue:
    who = staff(s)
    party_id = alto_contractor(s) if party is Party.CONTRACTOR else alto_landlord(s)
    return issues.instruct(
        s.app.uow(who.actor, s.agency_id),
        who,
        issue.id,
        party=party,
        party_id=party_id,
        paying=paying,
    )


def appoint(s: AtAgency, issue: Issue) -> Issue:
    who = staff(s)
    when = datetime.now(UTC) + timedelta(days=1)
    return issues.set_appointment(s.app.uow(who.actor, s.agency_id), who, issue.id, when)


def complete(
    s: AtAgency,
    issue: Issue,
    *,
    costs: Money | None = None,
    invoice: Upload | None = INVOICE,
    documents: tuple[Upload, ...] = (CERTIFICATE,),
) -> Issue:
    who = staff(s)
    return issues.complete(
        s.app.uow(who.actor, s.agency_id),
        who,
        issue.id,
        files=s.app.files,
        notes="Replaced the thermocouple; boiler tested",
        costs=costs if costs is not None else Money.of(net=12_000, vat=2_400),
        invoice=invoice,
        documents=list(documents),
    )


def close(s: AtAgency, issue: Issue) -> Issue:
    who = staff(s)
    return issues.close(s.app.uow(who.actor, s.agency_id), who, issue.id)


def through_to_closed(s: Synced, **completion: object) -> Issue:
    issue = appoint(s, instruct(s, reported(s)))
    complete(s, issue, **completion)  # type: ignore[arg-type]
    return close(s, issue)
