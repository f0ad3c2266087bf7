"""Issues out to a PMS as works orders, by the connector's profile (AL-10..AL-13, PW-08): the
engine reads the rules, the connector's writer speaks the PMS's API.

Every step is safe to repeat, because a delivery may be attempted again after a crash: the ids
the PMS answers with (the works order's, each attached document's, the charge's) come back on
the attempt's outcome, even a failed one, and are kept as external references in the
transaction that records the attempt, so a retry never sends them twice. A works order created
by an attempt whose worker died before that commit is found again by the issue's reference in
its summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.delivery import Learned, Outcome
from repairlink.domain.issues import Document, Issue, Quote, QuoteStatus
from repairlink.domain.people import ExternalRef, Tenancy
from repairlink.domain.places import Unit
from repairlink.outbound.issue_pdf import issue_pdf
from repairlink.pms.profile import AttachOnClose, ChargeOnClose, Profile, SendIssues, StatusMap
from repairlink.services.files import FileStore
from repairlink.store.tables import audit_log, cols, external_refs
from repairlink.store.uow import UnitOfWork

# The events a PMS that takes works orders hears about an issue
SENT_ONCE_INSTRUCTED = frozenset(
    {"issue.instructed", "issue.status_changed", "issue.closed", "issue.sync_requested"}
)
SENT_ONCE_CREATED = SENT_ONCE_INSTRUCTED | {"issue.created", "issue.updated"}


def wants(profile: Profile) -> Callable[[str, str], bool]:
    """Which (event type, aggregate kind) this profile sends out."""
    sends = profile.of(SendIssues)
    if not sends:
        return lambda event_type, kind: False
    types = SENT_ONCE_CREATED if sends[0].once == "created" else SENT_ONCE_INSTRUCTED
    return lambda event_type, kind: kind == "issue" and event_type in types


@dataclass(frozen=True)
class WorkOrderDraft:
    property_ref: str
    marker: str  # the issue's reference, at the start of the summary
    summary: str
    description: str
    priority: str
    reported_at: datetime
    start_at: datetime | None
    quote: int | None  # pence, gross
    supplier_ref: str | None  # None: instructed to a landlord
    tenant_ref: str | None
    reporter: str  # who reported it, in words: name, email, phone
    status: str


@dataclass(frozen=True)
class ChargeDraft:
    work_order_ref: str
    property_ref: str
    tenancy_ref: str | None  # set: charge the occupier's tenancy; None: the landlord(s)
    tenant_ref: str | None
    supplier_ref: str | None
    category: str
    net: int  # pence
    vat: int
    reference: str
    description: str
    raise_immediately: bool
    invoice_name: str
    invoice_type: str
    invoice: bytes


def work_order_marker(issue: Issue) -> str:
    """Starts the works order's summary: finds it again after a crash. Issue numbers restart
    per agency, and agencies of one group may share a PMS account, so it names the agency."""
    return f"[RL{issue.agency_id}-{issue.reference}]"


class WorkOrderWriter(Protocol):
    """What a connector that takes works orders offers. Errors: Transient/TerminalFetchError.

    Each write carries `key`, unique per event and step, as its idempotency key."""

    def find_work_order(self, property_ref: str, marker: str) -> str | None: ...
    def create_work_order(self, draft: WorkOrderDraft, *, key: str) -> str: ...
    def set_status(self, ref: str, status: str, notes: str | None, *, key: str) -> None: ...
    def attach(
        self, ref: str, name: str, content_type: str, content: bytes, *, key: str
    ) -> str: ...
    def charge(self, draft: ChargeDraft, *, key: str) -> str: ...
    def close(self) -> None: ...


UowFor = Callable[[Actor], UnitOfWork]


@dataclass
class IssueOut:
    """Sends one issue event to one PMS, by that PMS's profile."""

    profile: Profile
    writer: WorkOrderWriter
    uow_for: UowFor  # a unit of work in the event's agency
    files: FileStore
    key: str = ""  # the event being sent: each write's idempotency key starts with it
    learned: list[Learned] = field(default_factory=list)  # the PMS's ids this send received

    @property
    def system(self) -> str:
        return self.profile.system

    def send(self, event: Mapping[str, Any], *, again: bool = False) -> Outcome:
        """Send one event. `again`: an earlier attempt may have reached the PMS unrecorded (it
        failed, or its worker died), so look for what it may have created first."""
        (sends,) = self.profile.of(SendIssues)
        issue_id = int(event["aggregate_id"])
        status = str(event["payload"].get("status", ""))
        facts = self._facts(issue_id, closing=status == "closed")
        issue: Issue = facts["issue"]
        if sends.once == "instructed" and issue.instructed_party is None:
            return Outcome.skip(
                f"Issues reach {self.system.capitalize()} only once instructed ({sends.rule})"
            )
        if facts["property_ref"] is None:
            return Outcome.failed(
                f"The issue's unit is not linked to a {self.system} property ({sends.rule})",
                terminal=True,
            )
        status = status or issue.status.value
        notes: list[str] = []
        self.key = f"{event['id']}"
        order = facts["work_order_ref"] or self._create(facts, status, notes, again)
        if event["event_type"] in ("issue.status_changed", "issue.closed", "issue.sync_requested"):
            self._status(order, status, issue, notes)
        if status == "closed":
            self._attach(order, facts, notes)
            self._charge(order, facts, notes)
        return Outcome.sent("; ".join(notes) or f"Works order {order} up to date")

    # -- reading what the PMS needs ---------------------------------------------------------

    def _refs(self, uow: UnitOfWork, wanted: list[tuple[str, int | None]]) -> dict[Any, str]:
        """The PMS's ids of these (kind, our id) records, in one query: (kind, id) -> its id."""
        pairs = [(kind, entity_id) for kind, entity_id in wanted if entity_id is not None]
        if not pairs:
            return {}
        r = cols(ExternalRef)
        # Looked up by the (kind, id) index, one pair after another. The agency is checked
        # here, not in the query: with it there, SQLite reads every reference of the agency
        # (its unique index starts with the agency), one more with each works order sent.
        found = uow.session.scalars(
            sa.select(ExternalRef)
            .where(
                r.system == self.system,
                sa.or_(*(sa.and_(r.entity_kind == k, r.entity_id == i) for k, i in pairs)),
            )
            .order_by(r.id.desc())  # the oldest reference wins: it is written last
        )
        return {
            (ref.entity_kind, ref.entity_id): ref.external_id
            for ref in found
            if ref.agency_id == uow.agency
        }

    def _facts(self, issue_id: int, *, closing: bool) -> dict[str, Any]:
        """What the PMS needs of the issue; documents, tenancies and the unit's address only
        when it closes (they go with the PDF and the charge)."""
        i, q, d, t = cols(Issue), cols(Quote), cols(Document), cols(Tenancy)
        awarded = (
            sa.select(q.gross)
            .where(q.issue_id == i.id, q.status == QuoteStatus.AWARDED)
            .limit(1)
            .scalar_subquery()
        )
        with self.uow_for(Actor.system("outbound")) as uow:
            found = uow.session.execute(
                uow.select(Issue, i.id == issue_id).add_columns(awarded)
            ).first()
            # none: `get` answers the agency's NotFound, in its words
            issue, quote = found if found is not None else (uow.get(Issue, issue_id), None)
            unit = uow.get(Unit, issue.unit_id) if closing and issue.unit_id else None
            documents, tenancies = [], []
            if closing:
                documents = uow.all(uow.select(Document, d.issue_id == issue.id).order_by(d.id))
            if closing and issue.reporter_occupier_id is not None:
                tenancies = uow.all(
                    uow.select(
                        Tenancy,
                        t.occupier_id == issue.reporter_occupier_id,
                        t.unit_id == issue.unit_id,
                    ).order_by(t.start_date.desc())
                )
            refs = self._refs(
                uow,
                [
                    ("unit", issue.unit_id),
                    ("contractor", issue.contractor_id),
                    ("occupier", issue.reporter_occupier_id),
                    *(("issue", issue.id), ("charge", issue.id), ("issue_pdf", issue.id)),
                    *(("tenancy", tenancy.id) for tenancy in tenancies),
                    *(("document", doc.id) for doc in documents),
                ],
            )
            return {
                "issue": issue,
                "unit": unit,
                "property_ref": refs.get(("unit", issue.unit_id)),
                "supplier_ref": refs.get(("contractor", issue.contractor_id)),
                "tenant_ref": refs.get(("occupier", issue.reporter_occupier_id)),
                "tenancy_ref": next(
                    (refs[("tenancy", x.id)] for x in tenancies if ("tenancy", x.id) in refs), None
                ),
                "work_order_ref": refs.get(("issue", issue.id)),
                "charge_ref": refs.get(("charge", issue.id)),
                "pdf_ref": refs.get(("issue_pdf", issue.id)),
                "sent_documents": {doc.id for doc in documents if ("document", doc.id) in refs},
                "documents": documents,
                "quote": quote,
            }

    def _remember(self, kind: str, entity_id: int, external_id: str) -> None:
        """Kept with the attempt's record (see `keep_learned`): a crash before that commit is
        covered by the retry looking for the works order first (`again`)."""
        self.learned.append(Learned(self.system, kind, entity_id, external_id))

    # -- the steps ------------------------------------------------------------------------

    def _create(self, facts: dict[str, Any], status: str, notes: list[str], again: bool) -> str:
        issue: Issue = facts["issue"]
        marker = work_order_marker(issue)
        found = self.writer.find_work_order(facts["property_ref"], marker) if again else None
        if found is None:
            draft = WorkOrderDraft(
                property_ref=facts["property_ref"],
                marker=marker,
                summary=f"{marker} {issue.title}"[:150],
                description=issue.description,
                priority=issue.priority,
                reported_at=issue.created_at or datetime.now(),
                start_at=issue.appointment_at,
                quote=facts["quote"],
                supplier_ref=facts["supplier_ref"],
                tenant_ref=facts["tenant_ref"],
                reporter=", ".join(
                    v
                    for v in (issue.reporter_name, issue.reporter_email, issue.reporter_phone)
                    if v
                ),
                status=self._mapped(status) or self._mapped("job_instructed") or "",
            )
            found = self.writer.create_work_order(draft, key=f"{self.key}:create")
            notes.append(f"Works order {found} created")
        self._remember("issue", issue.id, found)
        return found

    def _mapped(self, status: str) -> str | None:
        for status_map in self.profile.of(StatusMap):
            mapped: str | None = status_map.mapping.get(status)
            return mapped
        return None

    def _status(self, order: str, status: str, issue: Issue, notes: list[str]) -> None:
        target = self._mapped(status)
        if target is None:
            return
        completion = issue.completion_notes if status == "completed" else None
        self.writer.set_status(order, target, completion or None, key=f"{self.key}:status")
        notes.append(f"Works order {order}: {target}")

    def _attach(self, order: str, facts: dict[str, Any], notes: list[str]) -> None:
        issue: Issue = facts["issue"]
        for rule in self.profile.of(AttachOnClose):
            sent = 0
            if rule.issue_pdf and facts["pdf_ref"] is None:
                name = f"{issue.reference}.pdf"
                pdf = issue_pdf(facts)
                doc_id = self.writer.attach(
                    order, name, "application/pdf", pdf, key=f"{self.key}:pdf"
                )
                self._remember("issue_pdf", issue.id, doc_id)
                sent += 1
            for doc in facts["documents"]:
                if doc.kind in rule.document_kinds and doc.id not in facts["sent_documents"]:
                    content = self.files.read(doc.storage_key)
                    doc_id = self.writer.attach(
                        order,
                        doc.filename,
                        doc.content_type,
                        content,
                        key=f"{self.key}:doc{doc.id}",
                    )
                    self._remember("document", doc.id, doc_id)
                    sent += 1
            if sent:
                notes.append(f"{sent} document(s) attached ({rule.rule})")

    def _charge(self, order: str, facts: dict[str, Any], notes: list[str]) -> None:
        issue: Issue = facts["issue"]
        for rule in self.profile.of(ChargeOnClose):
            if facts["charge_ref"] is not None:
                continue
            invoice = next((d for d in facts["documents"] if d.kind == "invoice"), None)
            why_not = _why_no_charge(rule, issue, invoice, facts)
            if why_not:
                notes.append(f"No charge sent: {why_not} ({rule.rule})")
                continue
            assert invoice is not None
            assert issue.cost_net is not None
            by_tenancy = issue.paying_for_work is not None and issue.paying_for_work == "occupier"
            draft = ChargeDraft(
                work_order_ref=order,
                property_ref=facts["property_ref"],
                tenancy_ref=facts["tenancy_ref"] if by_tenancy else None,
                tenant_ref=facts["tenant_ref"] if by_tenancy else None,
                supplier_ref=facts["supplier_ref"],
                category=rule.category,
                net=issue.cost_net,
                vat=issue.cost_vat or 0,
                reference=issue.reference,
                description=f"{issue.reference} {issue.title}"[:255],
                raise_immediately=rule.raise_immediately,
                invoice_name=invoice.filename,
                invoice_type=invoice.content_type,
                invoice=self.files.read(invoice.storage_key),
            )
            charge_id = self.writer.charge(draft, key=f"{self.key}:charge")
            self._remember("charge", issue.id, charge_id)
            notes.append(f"Charge {charge_id} sent ({rule.rule})")


PAYERS = {"agency": "the agency pays", "other": "someone other than landlord or occupier pays"}


def _why_no_charge(
    rule: ChargeOnClose, issue: Issue, invoice: Document | None, facts: Mapping[str, Any]
) -> str | None:
    """The first condition of the rule that stops the charge, in words for the agent."""
    paying = issue.paying_for_work.value if issue.paying_for_work else None
    if paying in rule.not_when_paid_by:
        return PAYERS.get(paying, f"paid by {paying}")
    if rule.needs_invoice and invoice is None:
        return "there is no invoice document"
    if not issue.cost_gross:
        return "the amount is zero"
    if paying == "occupier" and facts["tenancy_ref"] is None:
        return "the occupier has no tenancy linked to the PMS"
    return None


def sync_requested(uow: UnitOfWork, issue: Issue) -> None:
    """Ask for the issue to be sent again in full (PW-10 "Sync now" when nothing is queued)."""
    uow.emit("issue.sync_requested", issue, number=issue.number, status=issue.status.value)


def keep_learned(
    conn: sa.Connection, agency_id: int, learned: Sequence[Learned], now: datetime
) -> None:
    """The ids an attempt learned, as external references with their audit entries (C-02,
    C-13), in the transaction that records the attempt. An id kept already (by an attempt that
    overlapped it after a lease ran out) stays as it is."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for item in learned:
        values = {
            "agency_id": agency_id,
            "entity_kind": item.kind,
            "entity_id": item.entity_id,
            "system": item.system,
            "external_id": item.external_id,
        }
        new = dialect.insert(external_refs).values(values).on_conflict_do_nothing()
        ref_id = conn.execute(new.returning(external_refs.c.id)).scalar()
        if ref_id is None:
            continue
        conn.execute(
            sa.insert(audit_log).values(
                agency_id=agency_id,
                entity_kind="external_ref",
                entity_id=ref_id,
                action="created",
                actor_kind=ActorKind.SYSTEM.value,
                actor_id=None,
                actor_label=f"outbound to {item.system}",
                changes={name: [None, value] for name, value in values.items()},
                at=now,
            )
        )
