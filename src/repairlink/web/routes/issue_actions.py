"""The issue's transitions as form posts (C-03..C-08): the agent's, the contractor's (quote,
appointment, completion) and the occupier's (rating the job), and comments (C-09). The domain
refuses an illegal one; the page comes back with the form as sent and a notice that says why
(web.routes.issue_pages). Documents download for those who may see them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from repairlink.domain.issues import Party, PayingForWork
from repairlink.domain.limits import COMMENT_MAX, FEEDBACK_MAX, NOTES_MAX, REASON_MAX
from repairlink.domain.values import Money
from repairlink.outbound import views
from repairlink.services import documents, issues
from repairlink.web.again import Sent
from repairlink.web.forms import chosen, local_datetime, pence, text, upload, uploads
from repairlink.web.routes.issue_pages import act, done
from repairlink.web.session import (
    Anyone,
    ContractorPost,
    OccupierPost,
    StaffOrContractorPost,
    StaffPost,
    Viewer,
)

router = APIRouter(prefix="/issues/{issue_id}")
Text = Annotated[str, Form()]  # lengths are checked in the route: a refusal keeps the text
Paying = Annotated[PayingForWork, Form()]
Files = Annotated[list[UploadFile], File()]
Answer = HTMLResponse | RedirectResponse


@router.post("/quotes", response_model=None)
def request_quotes(
    request: Request,
    viewer: StaffPost,
    issue_id: int,
    contractor_ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Answer:
    def action() -> str:
        asked = issues.request_quotes(viewer.uow(), viewer.who, issue_id, contractor_ids)
        return f"Quotes requested from {len(asked)} contractor(s)"

    sent = Sent("quotes", {"contractor_ids": [str(c) for c in contractor_ids]})
    return act(request, viewer, issue_id, sent, action)


@router.post("/quotes/{quote_id}/award", response_model=None)
def award(
    request: Request, viewer: StaffPost, issue_id: int, quote_id: int, paying: Paying
) -> Answer:
    def action() -> str:
        issues.award_quote(viewer.uow(), viewer.who, issue_id, quote_id, paying=paying)
        return "Quote awarded: the contractor is instructed"

    sent = Sent(f"award-{quote_id}", {"paying": paying.value})
    return act(request, viewer, issue_id, sent, action)


@router.post("/instruct", response_model=None)
def instruct(
    request: Request,
    viewer: StaffPost,
    issue_id: int,
    party: Annotated[Party, Form()],
    party_id: Annotated[int, Form(ge=1)],
    paying: Paying,
) -> Answer:
    def action() -> str:
        issues.instruct(
            viewer.uow(), viewer.who, issue_id, party=party, party_id=party_id, paying=paying
        )
        return f"Instructed: the {party.value} has the job"

    sent = Sent(f"instruct-{party.value}", {"party_id": str(party_id), "paying": paying.value})
    return act(request, viewer, issue_id, sent, action)


@router.post("/appointment", response_model=None)
def appointment(
    request: Request, viewer: StaffOrContractorPost, issue_id: int, appointment_at: Text
) -> Answer:
    def action() -> str:
        at = local_datetime(appointment_at, field="appointment_at", zone=viewer.formats.zone)
        issues.set_appointment(viewer.uow(), viewer.who, issue_id, at)
        return "Appointment set"

    sent = Sent("appointment", {"appointment_at": appointment_at})
    return act(request, viewer, issue_id, sent, action)


@router.post("/complete", response_model=None)
def complete(
    request: Request,
    viewer: StaffOrContractorPost,
    issue_id: int,
    notes: Text = "",
    net: Text = "",
    vat: Text = "",
    invoice: Annotated[UploadFile | None, File()] = None,
    documents: Files = [],  # noqa: B006 (FastAPI copies defaults)
) -> Answer:
    def action() -> str:
        costs = None
        if net.strip() or vat.strip():
            costs = Money.of(
                net=pence(net or "0", field="net"),
                vat=pence(vat or "0", field="vat"),
                field="costs",
            )
        issues.complete(
            viewer.uow(),
            viewer.who,
            issue_id,
            files=viewer.app.files,
            notes=text(notes, field="notes", limit=NOTES_MAX),
            costs=costs,
            invoice=upload(invoice),
            documents=uploads(documents),
        )
        return "Job marked complete"

    sent = Sent("complete", {"notes": notes, "net": net, "vat": vat})
    files = chosen(invoice, *documents)
    return act(request, viewer, issue_id, sent, action, had_files=files)


CHANGES: dict[str, tuple[Callable[..., object], str]] = {
    "close": (issues.close, "Issue closed"),
    "cancel": (issues.cancel, "Issue cancelled"),
    "forward": (issues.forward_to_pm, "Issue forwarded to the property manager"),
}


def _reason(request: Request, viewer: Viewer, issue_id: int, form: str, reason: str) -> Answer:
    """Close, cancel and forward: a transition with a note."""
    change, notice = CHANGES[form]

    def action() -> str:
        noted = text(reason, field="reason", limit=REASON_MAX)
        change(viewer.uow(), viewer.who, issue_id, reason=noted)
        return notice

    return act(request, viewer, issue_id, Sent(form, {"reason": reason}), action)


@router.post("/close", response_model=None)
def close(request: Request, viewer: StaffPost, issue_id: int, reason: Text = "") -> Answer:
    return _reason(request, viewer, issue_id, "close", reason)


@router.post("/cancel", response_model=None)
def cancel(request: Request, viewer: StaffPost, issue_id: int, reason: Text = "") -> Answer:
    return _reason(request, viewer, issue_id, "cancel", reason)


@router.post("/forward", response_model=None)
def forward(request: Request, viewer: StaffPost, issue_id: int, reason: Text = "") -> Answer:
    return _reason(request, viewer, issue_id, "forward", reason)


@router.post("/sync")
def sync_now(viewer: StaffPost, issue_id: int) -> RedirectResponse:
    """PW-10 "Sync now": retry the issue's waiting or failed deliveries now, or send it again."""
    rearmed = views.sync_issue_now(viewer.uow(), issue_id)
    what = f"{rearmed} waiting or failed update(s) retried" if rearmed else "the issue sent again"
    return done(viewer, issue_id, f"Sync requested: {what}")


@router.post("/quote", response_model=None)
def submit_quote(
    request: Request,
    viewer: ContractorPost,
    issue_id: int,
    net: Text = "",
    vat: Text = "",
    notes: Text = "",
    document: Annotated[UploadFile | None, File()] = None,
) -> Answer:
    """C-05: the contractor answers a quote request."""

    def action() -> str:
        issues.submit_quote(
            viewer.uow(),
            viewer.who,
            issue_id,
            contractor_id=viewer.who.subject_id or 0,
            net=pence(net, field="quote_net"),
            vat=pence(vat or "0", field="vat"),
            notes=text(notes, field="notes", limit=NOTES_MAX).strip(),
            document=upload(document),
            files=viewer.app.files,
        )
        return "Quote sent: the agent will tell you if it is awarded"

    sent = Sent("quote", {"net": net, "vat": vat, "notes": notes})
    return act(request, viewer, issue_id, sent, action, had_files=chosen(document))


@router.post("/feedback", response_model=None)
def feedback(
    request: Request, viewer: OccupierPost, issue_id: int, rating: Text = "", comment: Text = ""
) -> Answer:
    """C-08: the occupier rates the completed job."""

    def action() -> str:
        issues.leave_feedback(
            viewer.uow(),
            viewer.who,
            issue_id,
            rating=int(rating) if rating.isdigit() else 0,  # none chosen: the domain says so
            comment=text(comment, field="comment", limit=FEEDBACK_MAX),
        )
        return "Thank you for rating the job"

    sent = Sent("feedback", {"rating": rating, "comment": comment})
    return act(request, viewer, issue_id, sent, action)


@router.post("/comments", response_model=None)
def comment(
    request: Request, viewer: StaffPost, issue_id: int, body: Text = "", to_all_occupiers: Text = ""
) -> Answer:
    def action() -> str:
        made = issues.add_comment(
            viewer.uow(),
            viewer.who,
            issue_id,
            body=text(body, field="body", limit=COMMENT_MAX),
            to_all_occupiers=to_all_occupiers == "yes",
        )
        if not made.to_all_occupiers:
            return "Comment added"
        return f"Comment added and sent to {len(made.recipient_ids)} active occupier(s)"

    sent = Sent("comment", {"body": body, "to_all_occupiers": to_all_occupiers})
    return act(request, viewer, issue_id, sent, action)


@router.get("/documents/{document_id}")
def download(viewer: Anyone, issue_id: int, document_id: int) -> Response:
    """A document of the issue, for whoever may see it (services.issue_files.may_see)."""
    found, content = documents.read_document(
        viewer.uow(), viewer.who, viewer.app.files, issue_id, document_id
    )
    quoted = found.filename.replace("\\", "_").replace('"', "_")
    return Response(
        content,
        media_type=found.content_type or "application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{quoted}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
