"""The issue's transitions as form posts (C-03..C-08): the agent's, the contractor's (quote,
appointment, completion) and the occupier's (rating the job). The domain refuses an illegal one;
the page comes back with a notice that says why. Documents download for those who may see them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import RedirectResponse, Response

from repairlink.domain.agency import Role
from repairlink.domain.issues import Party, PayingForWork
from repairlink.domain.values import Money
from repairlink.outbound import views
from repairlink.services import documents, issues
from repairlink.web.forms import local_datetime, pence, upload, uploads
from repairlink.web.render import redirect
from repairlink.web.session import (
    Anyone,
    ContractorPost,
    OccupierPost,
    StaffOrContractorPost,
    StaffPost,
    Viewer,
)

router = APIRouter(prefix="/issues/{issue_id}")
Reason = Annotated[str, Form(max_length=2000)]
Paying = Annotated[PayingForWork, Form()]


Files = Annotated[list[UploadFile], File()]
PAGES = {Role.CONTRACTOR: "/jobs/{}", Role.OCCUPIER: "/my/issues/{}"}


def _done(viewer: Viewer, issue_id: int, notice: str) -> RedirectResponse:
    where = PAGES.get(viewer.who.role, "/issues/{}").format(issue_id)
    return redirect(where, notice=notice)


@router.post("/quotes")
def request_quotes(
    viewer: StaffPost,
    issue_id: int,
    contractor_ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> RedirectResponse:
    asked = issues.request_quotes(viewer.uow(), viewer.who, issue_id, contractor_ids)
    return _done(viewer, issue_id, f"Quotes requested from {len(asked)} contractor(s)")


@router.post("/quotes/{quote_id}/award")
def award(viewer: StaffPost, issue_id: int, quote_id: int, paying: Paying) -> RedirectResponse:
    issues.award_quote(viewer.uow(), viewer.who, issue_id, quote_id, paying=paying)
    return _done(viewer, issue_id, "Quote awarded: the contractor is instructed")


@router.post("/instruct")
def instruct(
    viewer: StaffPost,
    issue_id: int,
    party: Annotated[Party, Form()],
    party_id: Annotated[int, Form(ge=1)],
    paying: Paying,
) -> RedirectResponse:
    issues.instruct(
        viewer.uow(), viewer.who, issue_id, party=party, party_id=party_id, paying=paying
    )
    return _done(viewer, issue_id, f"Instructed: the {party.value} has the job")


@router.post("/appointment")
def appointment(
    viewer: StaffOrContractorPost,
    issue_id: int,
    appointment_at: Annotated[str, Form(max_length=40)],
) -> RedirectResponse:
    at = local_datetime(appointment_at, field="appointment_at", zone=viewer.formats.zone)
    issues.set_appointment(viewer.uow(), viewer.who, issue_id, at)
    return _done(viewer, issue_id, "Appointment set")


@router.post("/complete")
def complete(
    viewer: StaffOrContractorPost,
    issue_id: int,
    notes: Annotated[str, Form(max_length=5000)] = "",
    net: Annotated[str, Form(max_length=20)] = "",
    vat: Annotated[str, Form(max_length=20)] = "",
    invoice: Annotated[UploadFile | None, File()] = None,
    documents: Files = [],  # noqa: B006 (FastAPI copies defaults)
) -> RedirectResponse:
    costs = None
    if net.strip() or vat.strip():
        costs = Money.of(
            net=pence(net or "0", field="net"), vat=pence(vat or "0", field="vat"), field="costs"
        )
    issues.complete(
        viewer.uow(),
        viewer.who,
        issue_id,
        files=viewer.app.files,
        notes=notes,
        costs=costs,
        invoice=upload(invoice),
        documents=uploads(documents),
    )
    return _done(viewer, issue_id, "Job marked complete")


@router.post("/close")
def close(viewer: StaffPost, issue_id: int, reason: Reason = "") -> RedirectResponse:
    issues.close(viewer.uow(), viewer.who, issue_id, reason=reason)
    return _done(viewer, issue_id, "Issue closed")


@router.post("/cancel")
def cancel(viewer: StaffPost, issue_id: int, reason: Reason = "") -> RedirectResponse:
    issues.cancel(viewer.uow(), viewer.who, issue_id, reason=reason)
    return _done(viewer, issue_id, "Issue cancelled")


@router.post("/forward")
def forward(viewer: StaffPost, issue_id: int, reason: Reason = "") -> RedirectResponse:
    issues.forward_to_pm(viewer.uow(), viewer.who, issue_id, reason=reason)
    return _done(viewer, issue_id, "Issue forwarded to the property manager")


@router.post("/sync")
def sync_now(viewer: StaffPost, issue_id: int) -> RedirectResponse:
    """PW-10 "Sync now": retry the issue's waiting or failed deliveries now, or send it again."""
    rearmed = views.sync_issue_now(viewer.uow(), issue_id)
    what = f"{rearmed} waiting or failed update(s) retried" if rearmed else "the issue sent again"
    return _done(viewer, issue_id, f"Sync requested: {what}")


@router.post("/quote")
def submit_quote(
    viewer: ContractorPost,
    issue_id: int,
    net: Annotated[str, Form(max_length=20)],
    vat: Annotated[str, Form(max_length=20)] = "",
    notes: Annotated[str, Form(max_length=5000)] = "",
    document: Annotated[UploadFile | None, File()] = None,
) -> RedirectResponse:
    """C-05: the contractor answers a quote request."""
    issues.submit_quote(
        viewer.uow(),
        viewer.who,
        issue_id,
        contractor_id=viewer.who.subject_id or 0,
        net=pence(net, field="net"),
        vat=pence(vat or "0", field="vat"),
        notes=notes.strip(),
        document=upload(document),
        files=viewer.app.files,
    )
    return _done(viewer, issue_id, "Quote sent: the agent will tell you if it is awarded")


@router.post("/feedback")
def feedback(
    viewer: OccupierPost,
    issue_id: int,
    rating: Annotated[int, Form(ge=1, le=5)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """C-08: the occupier rates the completed job."""
    issues.leave_feedback(viewer.uow(), viewer.who, issue_id, rating=rating, comment=comment)
    return _done(viewer, issue_id, "Thank you for rating the job")


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
