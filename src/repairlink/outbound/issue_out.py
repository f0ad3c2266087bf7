"""Issues out to a PMS as work orders, by the connector's profile (AL-10..AL-13, PM-04..PM-06,
PW-08, PX-04, PX-07): the engine reads which steps are declared and when, the connector's
capabilities (`pms/capabilities.py`) speak the PMS's API. Nothing here asks which PMS it is.

Every step is safe to repeat, because a delivery may be attempted again after a crash: the ids
the PMS answers with (the work order's, its number, each attached document's, the charge's,
the purchase invoice's) come back on the attempt's outcome, even a failed one, and are kept as
external references in the transaction that records the attempt, so a retry never sends them
twice. A work order created by an attempt whose worker died before that commit is found again
by the connector (`find_work_order`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from repairlink.domain.actors import ActorKind
from repairlink.domain.delivery import Learned, Outcome
from repairlink.domain.issues import Document, Issue
from repairlink.outbound.facts import Due, ReadFacts, due_at
from repairlink.outbound.issue_pdf import issue_pdf
from repairlink.outbound.money import charge_of, purchase_invoice_of, why_no_charge
from repairlink.pms.capabilities import (
    Assignment,
    Attachment,
    Charges,
    Documents,
    PmsWorkOrder,
    PurchaseInvoices,
    Renumbering,
    WorkOrders,
)
from repairlink.pms.issue_facts import IssueFacts
from repairlink.pms.profile import (
    Profile,
    RenumberOnFirstSync,
    SendIssues,
    StatusMap,
    UpdateOnlyWhileAssigned,
)
from repairlink.services.files import FileStore
from repairlink.store.audit import INSERT_ENTRIES
from repairlink.store.precompiled import Precompiled
from repairlink.store.tables import external_refs
from repairlink.store.uow import UnitOfWork

# The events a PMS that takes work orders hears about an issue
SENT_ONCE_INSTRUCTED = frozenset(
    {"issue.instructed", "issue.status_changed", "issue.closed", "issue.sync_requested"}
)
SENT_ONCE_CREATED = SENT_ONCE_INSTRUCTED | {"issue.created", "issue.updated"}
# Events that bring the work order to the issue's status even when this attempt created it
# (the create carries the status, not e.g. the completion notes)
STATUS_EVENTS = frozenset({"issue.status_changed", "issue.closed", "issue.sync_requested"})


def wants(profile: Profile, event_type: str, aggregate_kind: str) -> bool:
    """Whether this profile sends out this event."""
    sends: list[SendIssues] = profile.of(SendIssues)
    if not sends or aggregate_kind != "issue":
        return False
    return event_type in (SENT_ONCE_CREATED if sends[0].once == "created" else SENT_ONCE_INSTRUCTED)


@dataclass
class IssueOut:
    """Sends one issue event to one PMS, by that PMS's profile. One per attempt."""

    profile: Profile
    connector: WorkOrders  # and whichever other capabilities the profile's steps need
    read_facts: ReadFacts  # the issue's facts, in the event's agency (a FactsReader)
    files: FileStore
    key: str = ""  # the event being sent: each write's idempotency key starts with it
    learned: list[Learned] = field(default_factory=list)  # the PMS's ids this send received
    notes: list[str] = field(default_factory=list)  # what the PMS made of it, for people
    fresh: bool = False  # this attempt created the work order (or found one it had created)
    assigned: bool | None = None  # the work order is still ours to update (None: not asked)

    @property
    def system(self) -> str:
        return self.profile.system

    def send(self, event: Mapping[str, Any], *, again: bool = False) -> Outcome:
        """Send one event. `again`: an earlier attempt may have reached the PMS unrecorded (it
        failed, or its worker died), so look for what it may have created first."""
        (sends,) = self.profile.of(SendIssues)
        issue_id = int(event["aggregate_id"])
        status = str(event["payload"].get("status", ""))
        due = due_at(self.profile, status)
        facts = self.read_facts(self.system, issue_id, due)
        if not status:  # every event sent carries its status; one that did not: the issue's
            status = facts.issue.status.value
            due = due_at(self.profile, status)
            facts = self.read_facts(self.system, issue_id, due)
        if sends.once == "instructed" and facts.issue.instructed_party is None:
            return Outcome.skip(
                f"Issues reach {self.system.capitalize()} only once instructed ({sends.rule})"
            )
        party = facts.issue.instructed_party
        if sends.once == "instructed" and party is not None and party.value not in sends.parties:
            whom = " or ".join(f"a {p}" for p in sends.parties)
            return Outcome.skip(
                f"Not sent: {self.system.capitalize()} takes issues instructed to {whom}, "
                f"and this one was instructed to the {party.value} ({sends.rule})"
            )
        if facts.refs.property is None:  # nothing to retry: say so, fail nothing
            return Outcome.skip(f"Not sent: this property is not in {self.system.capitalize()}")
        self.key = f"{event['id']}"
        order = self._work_order(facts, status, again)
        if event["event_type"] in STATUS_EVENTS or not (
            self.fresh or event["event_type"] == "issue.created"
        ):
            self._status(facts, order.id, status)
        self._attach(facts, order.id, due)
        self._charge(facts, order.id, due)
        self._purchase_invoice(facts, order.id, due)
        if self.assigned is False:
            note = (
                f"Later changes are not sent: the work order in {self.system.capitalize()} is "
                "no longer assigned to the integration user"
            )
            return Outcome.skip("; ".join([*self.notes, note]))
        return Outcome.sent("; ".join(self.notes) or f"Work order {order.id} up to date")

    def _remember(self, kind: str, entity_id: int, external_id: str) -> None:
        """Kept with the attempt's record (see `keep_learned`): a crash before that commit is
        covered by the retry looking for the work order first (`again`)."""
        self.learned.append(Learned(self.system, kind, entity_id, external_id))

    def may_update(self, order: str) -> bool:
        """PX-04: a work order this attempt created is ours; an older one only while the PMS
        still has it assigned to the integration user (asked once per attempt)."""
        if self.fresh or not self.profile.of(UpdateOnlyWhileAssigned):
            return True
        if self.assigned is None:
            assert isinstance(self.connector, Assignment)  # checked with the registry
            self.assigned = self.connector.still_assigned(order)
        return self.assigned

    # -- the steps ------------------------------------------------------------------------

    def _work_order(self, facts: IssueFacts, status: str, again: bool) -> PmsWorkOrder:
        """The issue's work order, created (or found again) if the PMS has none recorded yet.
        A create is always sent, whatever steps follow (PX-04)."""
        if facts.refs.work_order is not None:
            order = PmsWorkOrder(facts.refs.work_order, facts.refs.number)
        else:
            found = self.connector.find_work_order(facts) if again else None
            if found is None:
                # a status that maps to nothing: the one an instructed issue's order starts in
                target = self._mapped(status) or self._mapped("job_instructed") or ""
                found = self.connector.create_work_order(facts, target, key=f"{self.key}:create")
                self.notes.append(f"Work order {found.id} created")
            order, self.fresh = found, True
            self._remember("issue", facts.issue.id, order.id)
        self._renumber(facts, order)
        return order

    def _renumber(self, facts: IssueFacts, order: PmsWorkOrder) -> None:
        """PX-07: on the first successful create the PMS's number is kept for the issue (once).
        A work order raised in the PMS was never created here: its issue keeps its own number
        (the PMS's id is no number to show)."""
        if not self.profile.of(RenumberOnFirstSync) or facts.refs.number is not None:
            return
        if not self.fresh:
            return
        assert isinstance(self.connector, Renumbering)  # checked with the registry
        number = self.connector.work_order_number(order)
        self._remember("issue_number", facts.issue.id, number)
        self.notes.append(f"{self.system.capitalize()} numbered it {number}")

    def _mapped(self, status: str) -> str | None:
        for status_map in self.profile.of(StatusMap):
            mapped: str | None = status_map.mapping.get(status)
            return mapped
        return None

    def _status(self, facts: IssueFacts, order: str, status: str) -> None:
        """The work order's status by the status map; a status mapped to None sends nothing."""
        target = self._mapped(status)
        if target is None or not self.may_update(order):
            return
        notes = facts.issue.completion_notes if status == "completed" else None
        self.connector.update_work_order(
            facts, order, target, notes=notes or None, key=f"{self.key}:status"
        )
        self.notes.append(f"Work order {order}: {target}")

    def _attach(self, facts: IssueFacts, order: str, due: Due) -> None:
        """The documents due (and the issue's PDF), each once: a retry skips what is sent."""
        issue = facts.issue
        for rule in due.attach:
            sent = {(item.kind, item.entity_id) for item in self.learned}  # by an earlier rule
            pdf = rule.issue_pdf and facts.refs.issue_pdf is None
            pdf = pdf and ("issue_pdf", issue.id) not in sent
            docs = [
                doc
                for doc in facts.documents
                if doc.kind in rule.document_kinds
                and doc.id not in facts.refs.documents_sent
                and ("document", doc.id) not in sent
            ]
            if not (pdf or docs) or not self.may_update(order):
                continue
            assert isinstance(self.connector, Documents)  # checked with the registry
            if pdf:
                content = issue_pdf(facts)
                made = Attachment(f"{issue.reference}.pdf", "application/pdf", content)
                pdf_id = self.connector.attach(order, made, key=f"{self.key}:pdf")
                self._remember("issue_pdf", issue.id, pdf_id)
            for doc in docs:
                doc_id = self.connector.attach(
                    order, self._file(doc), key=f"{self.key}:doc{doc.id}"
                )
                self._remember("document", doc.id, doc_id)
            self.notes.append(f"{int(pdf) + len(docs)} document(s) attached ({rule.rule})")

    def _file(self, doc: Document) -> Attachment:
        return Attachment(doc.filename, doc.content_type, self.files.read(doc.storage_key))

    def _charge(self, facts: IssueFacts, order: str, due: Due) -> None:
        for rule in due.charges:
            if facts.refs.charge is not None:
                continue
            why_not = why_no_charge(rule, facts)
            if why_not:
                self.notes.append(f"No charge sent: {why_not} ({rule.rule})")
                continue
            if not self.may_update(order):
                continue
            assert isinstance(self.connector, Charges)  # checked with the registry
            charge = charge_of(rule, facts, order, self._file)
            charge_id = self.connector.post_charge(facts, charge, key=f"{self.key}:charge")
            self._remember("charge", facts.issue.id, charge_id)
            self.notes.append(f"Charge {charge_id} sent ({rule.rule})")

    def _purchase_invoice(self, facts: IssueFacts, order: str, due: Due) -> None:
        for _rule in due.invoices:
            if facts.refs.purchase_invoice is not None:
                continue
            invoice = purchase_invoice_of(facts, order)
            if invoice is None:
                self.notes.append("No purchase invoice sent: no costs were recorded")
                continue
            if not self.may_update(order):
                continue
            assert isinstance(self.connector, PurchaseInvoices)  # checked with the registry
            sent = self.connector.post_purchase_invoice(facts, invoice, key=f"{self.key}:invoice")
            self._remember("purchase_invoice", facts.issue.id, sent)
            self.notes.append(f"Purchase invoice {sent} sent")


def sync_requested(uow: UnitOfWork, issue: Issue) -> None:
    """Ask for the issue to be sent again in full (PW-10 "Sync now" when nothing is queued)."""
    uow.emit("issue.sync_requested", issue, number=issue.number, status=issue.status.value)


# Built once (a batch's outcomes are recorded several times a second): a ref that is new
# answers its id; one kept already answers nothing
_KEPT = ("agency_id", "entity_kind", "entity_id", "system", "external_id")
_KEEP_REFS = {
    name: dialect.insert(external_refs)
    .on_conflict_do_nothing()
    .returning(external_refs.c.id, *(external_refs.c[column] for column in _KEPT))
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
# a delivery's one learned id (a claim of one, as at a low rate) on the driver's cursor
_KEEP_REF = {name: Precompiled(keep, keys=_KEPT) for name, keep in _KEEP_REFS.items()}


def keep_learned(
    conn: sa.Connection, agency_id: int, learned: Sequence[Learned], now: datetime
) -> None:
    """The ids an attempt learned (`keep_learned_many`)."""
    keep_learned_many(conn, [(agency_id, item) for item in learned], now)


def keep_learned_many(
    conn: sa.Connection, learned: Sequence[tuple[int, Learned]], now: datetime
) -> None:
    """The ids a batch's attempts learned, each with its agency, as external references with
    their audit entries (C-02, C-13), in the transaction that records the attempts: two
    statements a batch (two a delivery cost a worker a tenth of its CPU on PostgreSQL). An id
    kept already (by an attempt that overlapped it after a lease ran out) stays as it is."""
    rows = [
        {
            "agency_id": agency_id,
            "entity_kind": item.kind,
            "entity_id": item.entity_id,
            "system": item.system,
            "external_id": item.external_id,
        }
        for agency_id, item in learned
    ]
    if not rows:
        return
    dialect = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
    # the new ones answer: the others stay as they are
    if len(rows) == 1:
        kept = _KEEP_REF[dialect].rows(conn, rows[0])
    else:  # in one statement (the driver's executemany answers no rows)
        kept = [dict(row) for row in conn.execute(_KEEP_REFS[dialect], rows).mappings()]
    if kept:
        INSERT_ENTRIES.run(conn, [_ref_created(ref, now) for ref in kept])


def _ref_created(ref: Any, now: datetime) -> dict[str, Any]:
    return {
        "agency_id": ref["agency_id"],
        "entity_kind": "external_ref",
        "entity_id": ref["id"],
        "action": "created",
        "actor_kind": ActorKind.SYSTEM.value,
        "actor_id": None,
        "actor_label": f"outbound to {ref['system']}",
        "changes": {column: [None, ref[column]] for column in _KEPT},
        "at": now,
    }
