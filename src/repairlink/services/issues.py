"""The issue lifecycle as use cases (C-03..C-11). Each call is one transaction: the domain
checks the transition, the change and its outbox event commit together (S-01)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from repairlink.domain.agency import Role
from repairlink.domain.issues import (
    Comment,
    Issue,
    Party,
    PayingForWork,
    Quote,
    QuoteStatus,
    Status,
)
from repairlink.domain.people import Contractor, Landlord
from repairlink.domain.values import Money
from repairlink.errors import ConflictError, InvalidError, NotFoundError
from repairlink.services.auth import Principal
from repairlink.services.files import FileStore
from repairlink.services.issue_files import Upload as Upload
from repairlink.services.issue_files import keep
from repairlink.services.issue_reads import (
    comments_of as comments_of,
)
from repairlink.services.issue_reads import (
    documents_of as documents_of,
)
from repairlink.services.issue_reads import get as get
from repairlink.services.issue_reads import list_issues as list_issues
from repairlink.services.issue_reads import load_to_change
from repairlink.services.issue_reads import occupier_contacts as occupier_contacts
from repairlink.services.issue_reads import quotes_of as quotes_of
from repairlink.services.occupiers import active_at_unit
from repairlink.services.reporting import report as report
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

STAFF = (Role.ADMIN, Role.AGENT)


def _changed(uow: UnitOfWork, issue: Issue, before: Status, event: str = "", **extra: Any) -> None:
    """`extra` rides on the event's payload (e.g. who was asked for a quote: the mail needs it)."""
    issue.updated_at = uow.now()
    name = event or ("issue.status_changed" if issue.status != before else "issue.updated")
    uow.emit(
        name,
        issue,
        number=issue.number,
        status_from=before.value,
        status=issue.status.value,
        **extra,
    )


def request_quotes(
    uow: UnitOfWork, who: Principal, issue_id: int, contractor_ids: list[int]
) -> list[Quote]:
    """C-05: ask one or more contractors for a quote. A contractor already asked keeps its one
    request (and its answer); archived contractors cannot be asked."""
    if not contractor_ids:
        raise InvalidError(
            "quote.no_contractors",
            "Choose at least one contractor",
            field="contractor_ids",
            rule="C-05",
        )
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF)
        before = issue.status
        issue.request_quotes()
        asked = {
            q.contractor_id: q for q in uow.all(uow.select(Quote, cols(Quote).issue_id == issue.id))
        }
        quotes, newly_asked = [], []
        for contractor_id in dict.fromkeys(contractor_ids):
            contractor = uow.get(Contractor, contractor_id, field="contractor_ids")
            if not contractor.active:
                raise InvalidError(
                    "quote.contractor_archived",
                    f"Contractor {contractor_id} is archived",
                    field="contractor_ids",
                    rule="C-05",
                )
            quote = asked.get(contractor_id)
            if quote is None:
                quote = Quote(agency_id=uow.agency, issue_id=issue.id, contractor_id=contractor_id)
                uow.add(quote)
                newly_asked.append(contractor_id)
            quotes.append(quote)
        _changed(uow, issue, before, asked=newly_asked)
        uow.commit()
    return quotes


def submit_quote(
    uow: UnitOfWork,
    who: Principal,
    issue_id: int,
    *,
    contractor_id: int,
    net: int,
    vat: int,
    notes: str = "",
    document: Upload | None = None,
    files: FileStore | None = None,
) -> Quote:
    """C-05: the contractor answers a request with an amount, notes and perhaps a document
    (kept with the quote; it needs `files`)."""
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF, Role.CONTRACTOR)
        if who.role is Role.CONTRACTOR:
            contractor_id = who.subject_id or 0
        issue.check_quote_submission()
        quote = cols(Quote)
        row = uow.first(
            uow.select(Quote, quote.issue_id == issue.id, quote.contractor_id == contractor_id)
        )
        if row is None:
            raise InvalidError(
                "quote.not_requested",
                "No quote was requested from this contractor",
                field="contractor_id",
                rule="C-05",
            )
        amount = Money.of(net=net, vat=vat, field="amount")
        row.net, row.vat, row.gross = amount.net, amount.vat, amount.gross
        row.notes, row.status = notes, QuoteStatus.SUBMITTED
        if document is not None and files is not None:
            keep(uow, files, issue, [("quote", document)], quote=row)
        uow.emit("issue.quote_submitted", issue, quote_id=row.id, contractor_id=contractor_id)
        uow.commit()
    return row


def award_quote(
    uow: UnitOfWork,
    who: Principal,
    issue_id: int,
    quote_id: int,
    *,
    paying: PayingForWork,
) -> Issue:
    """C-05: awarding a submitted quote instructs its contractor (C-04)."""
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF)
        quote = uow.get(Quote, quote_id)
        if quote.issue_id != issue.id or quote.status is not QuoteStatus.SUBMITTED:
            raise ConflictError(
                "quote.not_awardable",
                "Only a submitted quote of this issue can be awarded",
                field="quote_id",
                rule="C-05",
            )
        if not uow.get(Contractor, quote.contractor_id, field="quote_id").active:
            raise InvalidError(
                "issue.party_archived",
                "The contractor of that quote has been archived since",
                field="quote_id",
                rule="C-04",
            )
        before = issue.status
        issue.instruct(Party.CONTRACTOR, quote.contractor_id, paying)
        _settle_quotes(uow, issue, before)
        _changed(uow, issue, before, "issue.instructed")
        uow.commit()
    return issue


def _settle_quotes(uow: UnitOfWork, issue: Issue, before: Status) -> None:
    """Once the issue is instructed, cancelled or forwarded no quote stays open: the
    instructed contractor's is awarded (asked but not yet answered too: the job is theirs),
    every other is not (all of them when nobody was instructed)."""
    if before is Status.REPORTED:
        # quotes are asked for only by `request_quotes`, which moves the issue on: an issue
        # still reported has none (instructed straight away, C-04: no look-up to make)
        return
    # not flushed first: the issue's change is audited as one entry, with its updated_at
    with uow.session.no_autoflush:
        quotes = uow.all(uow.select(Quote, cols(Quote).issue_id == issue.id))
    for quote in quotes:
        won = issue.contractor_id is not None and quote.contractor_id == issue.contractor_id
        quote.status = QuoteStatus.AWARDED if won else QuoteStatus.NOT_AWARDED


def instruct(
    uow: UnitOfWork,
    who: Principal,
    issue_id: int,
    *,
    party: Party,
    party_id: int,
    paying: PayingForWork,
) -> Issue:
    """C-04: instruct a contractor or a landlord, recording who pays. Quotes may be skipped;
    those asked for are settled as awarding one would settle them (C-05)."""
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF)
        party_cls = Contractor if party is Party.CONTRACTOR else Landlord
        target = uow.look_up(party_cls, party_id, field="party_id")
        if not target.active:
            raise InvalidError(
                "issue.party_archived",
                f"That {party.value} is archived",
                field="party_id",
                rule="C-04",
            )
        before = issue.status
        issue.instruct(party, party_id, paying)
        _settle_quotes(uow, issue, before)
        _changed(uow, issue, before, "issue.instructed")
        uow.commit()
    return issue


def _load_for_instructed(uow: UnitOfWork, who: Principal, issue_id: int) -> Issue:
    issue = load_to_change(uow, who, issue_id, *STAFF, Role.CONTRACTOR)
    if who.role is Role.CONTRACTOR and issue.contractor_id != who.subject_id:
        raise NotFoundError("issue.not_found", f"No issue {issue_id}", field="issue_id")
    return issue


def set_appointment(uow: UnitOfWork, who: Principal, issue_id: int, at: datetime) -> Issue:
    """C-06."""
    if at.tzinfo is None:
        raise InvalidError(
            "issue.appointment_no_zone",
            "Give the appointment with its time zone",
            field="appointment_at",
            rule="C-06",
        )
    with uow:
        issue = _load_for_instructed(uow, who, issue_id)
        before = issue.status
        issue.set_appointment(at)
        _changed(uow, issue, before, appointment_at=at.isoformat())
        uow.commit()
    return issue


def complete(
    uow: UnitOfWork,
    who: Principal,
    issue_id: int,
    *,
    files: FileStore,
    notes: str,
    costs: Money | None,
    invoice: Upload | None,
    documents: list[Upload] | None = None,
) -> Issue:
    """C-07 and C-08: notes, costs and invoice (mandatory as the agency sets), completion
    documents; then awaiting feedback or completed."""
    with uow:
        issue = _load_for_instructed(uow, who, issue_id)
        agency = uow.this_agency()
        before = issue.status
        issue.complete(agency=agency, notes=notes, costs=costs, has_invoice=invoice is not None)
        uploads = [("invoice", invoice)] if invoice else []
        uploads += [("completion", doc) for doc in documents or []]
        keep(uow, files, issue, uploads)
        _changed(uow, issue, before)
        if issue.status is Status.AWAITING_FEEDBACK:  # C-08: the occupier is invited to rate
            uow.emit(
                "issue.feedback_requested",
                issue,
                number=issue.number,
                occupier_id=issue.reporter_occupier_id,
            )
        uow.commit()
    return issue


def leave_feedback(
    uow: UnitOfWork, who: Principal, issue_id: int, *, rating: int, comment: str = ""
) -> Issue:
    """C-08: the occupier rates the job while the issue awaits feedback."""
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF, Role.OCCUPIER)
        issue.leave_feedback(rating, comment)
        _changed(uow, issue, issue.status)
        uow.commit()
    return issue


def close(uow: UnitOfWork, who: Principal, issue_id: int, *, reason: str = "") -> Issue:
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF)
        before = issue.status
        issue.close(reason)
        _changed(uow, issue, before, "issue.closed")
        uow.commit()
    return issue


def cancel(uow: UnitOfWork, who: Principal, issue_id: int, *, reason: str) -> Issue:
    if not reason.strip():
        raise InvalidError(
            "issue.reason_required", "Say why the issue is cancelled", field="reason", rule="C-03"
        )
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF)
        before = issue.status
        issue.cancel(reason)
        _settle_quotes(uow, issue, before)
        _changed(uow, issue, before)
        uow.commit()
    return issue


def forward_to_pm(uow: UnitOfWork, who: Principal, issue_id: int, *, reason: str = "") -> Issue:
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF)
        before = issue.status
        issue.forward_to_pm(reason)
        _settle_quotes(uow, issue, before)
        _changed(uow, issue, before)
        uow.commit()
    return issue


def add_comment(
    uow: UnitOfWork,
    who: Principal,
    issue_id: int,
    *,
    body: str,
    to_all_occupiers: bool = False,
) -> Comment:
    """C-09: 'all occupiers' means those active at the issue's unit on the day of sending."""
    if not body.strip():
        raise InvalidError("comment.empty", "Write something", field="body")
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF)
        recipients: list[int] = []
        if to_all_occupiers:
            if issue.unit_id is None:
                raise InvalidError(
                    "comment.no_unit",
                    "This issue has no unit to reach",
                    field="to_all_occupiers",
                    rule="C-09",
                )
            recipients = [o.id for o in active_at_unit(uow, issue.unit_id, uow.now().date())]
        comment = Comment(
            agency_id=uow.agency,
            issue_id=issue.id,
            author=uow.actor.label,
            body=body.strip(),
            to_all_occupiers=to_all_occupiers,
            recipient_ids=recipients,
            created_at=uow.now(),
        )
        uow.add(comment)
        uow.flush()
        uow.emit("issue.commented", issue, recipients=recipients, comment_id=comment.id)
        uow.commit()
    return comment
