"""An issue's facts for one send, loaded by what the profile's steps due at its status need
(`IssueFacts`): documents only when documents or a charge are due, the occupier's tenancy only
when a charge against them may go, the unit and the PDF's reference only when a PDF is due."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from repairlink.domain.actors import Actor
from repairlink.domain.issues import Document, Issue, PayingForWork, Quote, QuoteStatus
from repairlink.domain.people import ExternalRef, Tenancy
from repairlink.domain.places import CostCode, Unit
from repairlink.pms.issue_facts import IssueFacts, PmsRefs, work_order_marker
from repairlink.pms.profile import (
    AttachDocuments,
    ChargeOnClose,
    Profile,
    PurchaseInvoiceOnClose,
    RenumberOnFirstSync,
)
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

UowFor = Callable[[Actor], UnitOfWork]

# AttachDocuments.when -> the issue statuses at which its documents are due: "completed" holds
# for every status a completed job goes on to, so a completion sent late is still attached
REACHED = {
    "completed": frozenset({"completed", "awaiting_feedback", "closed"}),
    "closed": frozenset({"closed"}),
}


def _place_columns() -> tuple[sa.ScalarSelect[Any], ...]:
    """The issue's unit's estate and building, and its cost code's code (block management,
    PM-04), as columns of the issue's own query: no query of their own."""
    i, u, c = cols(Issue), cols(Unit), cols(CostCode)
    return (
        sa.select(u.estate_id).where(u.id == i.unit_id).scalar_subquery(),
        sa.select(u.building_id).where(u.id == i.unit_id).scalar_subquery(),
        sa.select(c.code).where(c.id == i.cost_code_id).scalar_subquery(),
    )


@dataclass(frozen=True)
class Due:
    """The steps the profile sets off at one issue status."""

    attach: tuple[AttachDocuments, ...] = ()
    charges: tuple[ChargeOnClose, ...] = ()
    invoices: tuple[PurchaseInvoiceOnClose, ...] = ()
    renumber: bool = False  # the PMS's number is kept once known

    @property
    def documents(self) -> bool:
        return bool(self.attach or self.charges)  # a charge carries the invoice document

    @property
    def issue_pdf(self) -> bool:
        return any(rule.issue_pdf for rule in self.attach)


def due_at(profile: Profile, status: str) -> Due:
    closing = status == "closed"
    attach: list[AttachDocuments] = profile.of(AttachDocuments)
    charges: list[ChargeOnClose] = profile.of(ChargeOnClose) if closing else []
    invoices: list[PurchaseInvoiceOnClose] = profile.of(PurchaseInvoiceOnClose) if closing else []
    return Due(
        attach=tuple(rule for rule in attach if status in REACHED[rule.when]),
        charges=tuple(charges),
        invoices=tuple(invoices),
        renumber=bool(profile.of(RenumberOnFirstSync)),
    )


_PLACE = _place_columns()


def load_facts(uow_for: UowFor, system: str, issue_id: int, due: Due) -> IssueFacts:
    i, q, d = cols(Issue), cols(Quote), cols(Document)
    awarded = (
        sa.select(q.gross)
        .where(q.issue_id == i.id, q.status == QuoteStatus.AWARDED)
        .limit(1)
        .scalar_subquery()
    )
    with uow_for(Actor.system("outbound")) as uow:
        found = uow.session.execute(
            uow.select(Issue, i.id == issue_id).add_columns(awarded, *_PLACE)
        ).first()
        # none: `get` answers the agency's NotFound, in its words
        issue, quote, estate_id, building_id, cost_code = (
            found if found is not None else (uow.get(Issue, issue_id), None, None, None, None)
        )
        unit = uow.get(Unit, issue.unit_id) if due.issue_pdf and issue.unit_id else None
        documents: list[Document] = []
        if due.documents:
            documents = uow.all(uow.select(Document, d.issue_id == issue.id).order_by(d.id))
        tenancies = _tenancies(uow, issue) if due.charges else []
        wanted = [
            ("unit", issue.unit_id),
            ("estate", estate_id),
            ("building", building_id),
            ("contractor", issue.contractor_id),
            ("occupier", issue.reporter_occupier_id),
            ("issue", issue.id),
        ]
        wanted += [
            (kind, issue.id)
            for kind, needed in (
                ("issue_number", due.renumber),
                ("charge", bool(due.charges)),
                ("purchase_invoice", bool(due.invoices)),
                ("issue_pdf", due.issue_pdf),
            )
            if needed
        ]
        wanted += [("tenancy", tenancy.id) for tenancy in tenancies]
        wanted += [("document", doc.id) for doc in documents]
        refs = _refs(uow, system, wanted)
    return IssueFacts(
        issue=issue,
        unit=unit,
        quote=quote,
        refs=PmsRefs(
            property=refs.get(("unit", issue.unit_id)),
            estate=refs.get(("estate", estate_id)),
            building=refs.get(("building", building_id)),
            supplier=refs.get(("contractor", issue.contractor_id)),
            tenant=refs.get(("occupier", issue.reporter_occupier_id)),
            tenancy=next((refs[k] for x in tenancies if (k := ("tenancy", x.id)) in refs), None),
            work_order=refs.get(("issue", issue.id)),
            number=refs.get(("issue_number", issue.id)),
            charge=refs.get(("charge", issue.id)),
            purchase_invoice=refs.get(("purchase_invoice", issue.id)),
            issue_pdf=refs.get(("issue_pdf", issue.id)),
            documents_sent=frozenset(doc.id for doc in documents if ("document", doc.id) in refs),
        ),
        documents=tuple(documents),
        marker=work_order_marker(issue),
        cost_code=cost_code,
    )


def _tenancies(uow: UnitOfWork, issue: Issue) -> list[Tenancy]:
    """The reporting occupier's tenancies at the unit, newest first: only when they pay."""
    if issue.paying_for_work is not PayingForWork.OCCUPIER or issue.reporter_occupier_id is None:
        return []
    t = cols(Tenancy)
    return uow.all(
        uow.select(
            Tenancy, t.occupier_id == issue.reporter_occupier_id, t.unit_id == issue.unit_id
        ).order_by(t.start_date.desc())
    )


def _refs(uow: UnitOfWork, system: str, wanted: list[tuple[str, int | None]]) -> dict[Any, str]:
    """The PMS's ids of these (kind, our id) records, in one query: (kind, id) -> its id."""
    pairs = [(kind, entity_id) for kind, entity_id in wanted if entity_id is not None]
    if not pairs:
        return {}
    r = cols(ExternalRef)
    # Looked up by the (kind, id) index, one pair after another. The agency is checked here,
    # not in the query: with it there, SQLite reads every reference of the agency (its unique
    # index starts with the agency), one more with each work order sent.
    found = uow.session.scalars(
        sa.select(ExternalRef)
        .where(
            r.system == system,
            sa.or_(*(sa.and_(r.entity_kind == k, r.entity_id == i) for k, i in pairs)),
        )
        .order_by(r.id.desc())  # the oldest reference wins: it is written last
    )
    return {
        (ref.entity_kind, ref.entity_id): ref.external_id
        for ref in found
        if ref.agency_id == uow.agency
    }
