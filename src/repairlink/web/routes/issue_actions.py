"""The issue's transitions as form posts (C-03..C-08). The domain refuses an illegal one; the
page comes back with the notice naming the rule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import RedirectResponse

from repairlink.domain.agency import Role
from repairlink.domain.issues import Party, PayingForWork
from repairlink.domain.values import Money
from repairlink.outbound import views
from repairlink.services import issues
from repairlink.services.issues import Upload
from repairlink.web.forms import local_datetime, pence
from repairlink.web.render import redirect
from repairlink.web.session import StaffOrContractorPost, StaffPost, Viewer

router = APIRouter(prefix="/issues/{issue_id}")
Reason = Annotated[str, Form(max_length=2000)]
Paying = Annotated[PayingForWork, Form()]


def _done(viewer: Viewer, issue_id: int, notice: str) -> RedirectResponse:
    where = f"/jobs/{issue_id}" if viewer.who.role is Role.CONTRACTOR else f"/issues/{issue_id}"
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
    return _done(viewer, issue_id, f"Instructed the {party.value}")


@router.post("/appointment")
def appointment(
    viewer: StaffOrContractorPost,
    issue_id: int,
    appointment_at: Annotated[str, Form(max_length=40)],
) -> RedirectResponse:
    at = local_datetime(appointment_at, field="appointment_at", rule="C-06")
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
) -> RedirectResponse:
    costs = None
    if net.strip() or vat.strip():
        costs = Money.of(
            net=pence(net or "0", field="net", rule="C-07"),
            vat=pence(vat or "0", field="vat", rule="C-07"),
            field="costs",
        )
    upload = None
    if invoice is not None and invoice.filename:
        content = invoice.file.read()
        upload = Upload(
            invoice.filename, invoice.content_type or "application/octet-stream", content
        )
    issues.complete(
        viewer.uow(),
        viewer.who,
        issue_id,
        files=viewer.app.files,
        notes=notes,
        costs=costs,
        invoice=upload,
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
