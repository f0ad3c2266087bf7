"""The issue lifecycle (C-03..C-08): report, quotes, instruction, appointment, completion,
feedback, close, cancel, forward. Who may do what, and who sees which issue, is the services'
business: a caller who may not see an issue gets 404 (C-01)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from repairlink.api.deps import (
    AnyCaller,
    Caller,
    Paging,
    RecordId,
    StaffCaller,
    StaffOrContractor,
)
from repairlink.api.schemas.common import PageOf
from repairlink.api.schemas.issues import (
    Appointment,
    Feedback,
    Instruction,
    IssueCreate,
    IssueRead,
    QuoteAward,
    QuoteRead,
    QuoteRequest,
    QuoteSubmit,
    ReasonBody,
)
from repairlink.domain.agency import Role
from repairlink.domain.issues import Issue, Status
from repairlink.domain.limits import NOTES_MAX
from repairlink.domain.values import MAX_PENCE, Money
from repairlink.services import issues
from repairlink.services.issues import Upload
from repairlink.services.listing import page_of

router = APIRouter(prefix="/issues", tags=["issues"])
IssueNumber = Annotated[
    str | None,
    Query(
        max_length=128,
        description="The issue's number (IS12 or 12), or the PMS's own number for it (PX-07)",
    ),
]
Pence = Annotated[int | None, Form(ge=0, le=MAX_PENCE, description="Pence")]


def issue_read(caller: Caller, issue: Issue) -> IssueRead:
    """C-10: a contractor reaches occupiers through /contacts only (active ones), so the
    reporter's contact details are left out of what a contractor sees."""
    read = IssueRead.model_validate(issue)
    if caller.who.role is Role.CONTRACTOR:
        read = read.model_copy(update={"reporter_email": None, "reporter_phone": None})
    return read


@router.get("", summary="List issues (staff: all; contractor: its jobs; occupier: its own)")
def list_issues(
    caller: AnyCaller, paging: Paging, status: Status | None = None, number: IssueNumber = None
) -> PageOf[IssueRead]:
    page = issues.list_issues(
        caller.uow(),
        caller.who,
        status=status,
        number=number,
        cursor=paging.cursor,
        limit=paging.limit,
    )
    return PageOf[IssueRead](
        items=[issue_read(caller, i) for i in page.items], next_cursor=page.next_cursor
    )


@router.post("", status_code=201, summary="Report an issue (C-11)")
def report_issue(caller: AnyCaller, body: IssueCreate) -> IssueRead:
    issue = issues.report(caller.uow(), caller.who, **body.model_dump())
    return issue_read(caller, issue)


@router.get("/{id}", summary="Get an issue")
def get_issue(caller: AnyCaller, id: RecordId) -> IssueRead:
    return issue_read(caller, issues.get(caller.uow(), caller.who, id))


@router.get("/{id}/quotes", summary="The issue's quotes (a contractor sees its own)")
def list_quotes(caller: StaffOrContractor, id: RecordId, paging: Paging) -> PageOf[QuoteRead]:
    quotes = issues.quotes_of(caller.uow(), caller.who, id)
    page = page_of(quotes, cursor=paging.cursor, limit=paging.limit)
    return PageOf[QuoteRead].model_validate(page)


@router.post("/{id}/quotes", status_code=201, summary="Request quotes from contractors (C-05)")
def request_quotes(caller: StaffCaller, id: RecordId, body: QuoteRequest) -> list[QuoteRead]:
    quotes = issues.request_quotes(caller.uow(), caller.who, id, body.contractor_ids)
    return [QuoteRead.model_validate(q) for q in quotes]


@router.post("/{id}/quotes/submit", summary="Submit a requested quote (C-05)")
def submit_quote(caller: AnyCaller, id: RecordId, body: QuoteSubmit) -> QuoteRead:
    quote = issues.submit_quote(
        caller.uow(),
        caller.who,
        id,
        contractor_id=body.contractor_id or 0,
        net=body.net,
        vat=body.vat,
        notes=body.notes,
    )
    return QuoteRead.model_validate(quote)


@router.post("/{id}/quotes/award", summary="Award a submitted quote: instructs (C-05, C-04)")
def award_quote(caller: StaffCaller, id: RecordId, body: QuoteAward) -> IssueRead:
    issue = issues.award_quote(
        caller.uow(), caller.who, id, body.quote_id, paying=body.paying_for_work
    )
    return issue_read(caller, issue)


@router.post("/{id}/instruct", summary="Instruct a contractor or a landlord (C-04)")
def instruct(caller: StaffCaller, id: RecordId, body: Instruction) -> IssueRead:
    issue = issues.instruct(
        caller.uow(),
        caller.who,
        id,
        party=body.party,
        party_id=body.party_id,
        paying=body.paying_for_work,
    )
    return issue_read(caller, issue)


@router.post("/{id}/appointment", summary="Set the appointment (C-06)")
def set_appointment(caller: AnyCaller, id: RecordId, body: Appointment) -> IssueRead:
    issue = issues.set_appointment(caller.uow(), caller.who, id, body.appointment_at)
    return issue_read(caller, issue)


def _upload(file: UploadFile) -> Upload:
    content_type = file.content_type or "application/octet-stream"
    return Upload(file.filename or "upload", content_type, file.file.read())


@router.post("/{id}/complete", summary="Mark the job complete (C-07, C-08); multipart")
def complete(
    caller: AnyCaller,
    id: RecordId,
    notes: Annotated[str, Form(max_length=NOTES_MAX)] = "",
    net: Pence = None,
    vat: Pence = None,
    gross: Pence = None,
    invoice: Annotated[UploadFile | None, File(description="The invoice document")] = None,
    documents: Annotated[
        list[UploadFile] | None, File(description="Certificates, photos...")
    ] = None,
) -> IssueRead:
    """Costs are net + VAT (= gross) in pence: all or none."""
    costs = None
    if net is not None or vat is not None or gross is not None:
        costs = Money.of(net=net or 0, vat=vat or 0, gross=gross, field="costs")
    issue = issues.complete(
        caller.uow(),
        caller.who,
        id,
        files=caller.app.files,
        notes=notes,
        costs=costs,
        invoice=_upload(invoice) if invoice is not None else None,
        documents=[_upload(d) for d in documents or []],
    )
    return issue_read(caller, issue)


@router.post("/{id}/feedback", summary="Rate the job (C-08)")
def leave_feedback(caller: AnyCaller, id: RecordId, body: Feedback) -> IssueRead:
    issue = issues.leave_feedback(
        caller.uow(), caller.who, id, rating=body.rating, comment=body.comment
    )
    return issue_read(caller, issue)


@router.post("/{id}/close", summary="Close a completed issue (C-08)")
def close(caller: StaffCaller, id: RecordId, body: ReasonBody | None = None) -> IssueRead:
    reason = body.reason if body else ""
    return issue_read(caller, issues.close(caller.uow(), caller.who, id, reason=reason))


@router.post("/{id}/cancel", summary="Cancel an open issue (C-03)")
def cancel(caller: StaffCaller, id: RecordId, body: ReasonBody) -> IssueRead:
    return issue_read(caller, issues.cancel(caller.uow(), caller.who, id, reason=body.reason))


@router.post("/{id}/forward", summary="Forward an open issue to the property manager (C-03)")
def forward(caller: StaffCaller, id: RecordId, body: ReasonBody | None = None) -> IssueRead:
    reason = body.reason if body else ""
    return issue_read(caller, issues.forward_to_pm(caller.uow(), caller.who, id, reason=reason))
