"""The occupier's side (report an issue, C-11; their issues, rating a completed job, C-08) and
the contractor's (their jobs and quote requests, quoting, C-05; the appointment, completion with
costs and invoice: C-06, C-07)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.issues import QuoteStatus, Status
from repairlink.domain.limits import ADDRESS_MAX
from repairlink.domain.places import Unit
from repairlink.services import issues, people_and_places, reporting
from repairlink.services.issue_search import IssueQuery, find_issues
from repairlink.web.again import FORM_REFUSALS, NOTHING, Sent, as_sent, reason
from repairlink.web.forms import text, uploads
from repairlink.web.render import page, redirect
from repairlink.web.routes.issue_new import reported
from repairlink.web.routes.issues import issue_context
from repairlink.web.session import Contractor, Occupier, OccupierPost, Viewer

PageNumber = Annotated[int, Query(ge=1, le=1_000_000, alias="page")]

router = APIRouter()


def _units_for(viewer: Viewer, only_uploaded: bool) -> list[Unit]:
    """The units of the occupier's current tenancies (the only ones they may report at); only
    active ones when the agency allows no free-typed address (C-11)."""
    homes = reporting.homes_of(viewer.uow(), viewer.who)
    found = [people_and_places.get(viewer.uow(), Unit, unit_id) for unit_id in homes]
    return [u for u in found if u.active or not only_uploaded]


@router.get("/my/issues", response_class=HTMLResponse)
def my_issues(request: Request, viewer: Occupier, page_number: PageNumber = 1) -> HTMLResponse:
    mine = find_issues(viewer.uow(), viewer.who, IssueQuery(), page=page_number)
    return page(request, "portal/my_issues.html", viewer, title="My issues", found=mine)


@router.get("/my/issues/{issue_id}", response_class=HTMLResponse)
def my_issue(request: Request, viewer: Occupier, issue_id: int) -> HTMLResponse:
    return my_issue_page(request, viewer, issue_id)


def my_issue_page(
    request: Request,
    viewer: Viewer,
    issue_id: int,
    *,
    sent: Sent = NOTHING,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    """The occupier's issue page; after a refused rating, with what was sent (web.again)."""
    context = issue_context(viewer, issue_id)
    return page(
        request,
        "portal/my_issue.html",
        viewer,
        status_code=status,
        **context,
        **as_sent(sent, error),
        rate=context["issue"].status is Status.AWAITING_FEEDBACK,
    )


@router.get("/my/report", response_class=HTMLResponse)
def report_form(request: Request, viewer: Occupier) -> HTMLResponse:
    return _report_page(request, viewer)


def _report_page(
    request: Request, viewer: Viewer, *, sent: Sent = NOTHING, error: str = "", status: int = 200
) -> HTMLResponse:
    only = viewer.agency.only_display_uploaded_properties
    return page(
        request,
        "portal/report.html",
        viewer,
        status_code=status,
        title="Report an issue",
        units=_units_for(viewer, only),
        only_uploaded=only,
        **as_sent(sent, error),
    )


@router.post("/my/report", response_model=None)
def report(
    request: Request,
    viewer: OccupierPost,
    title: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
    free_address: Annotated[str, Form()] = "",
    photos: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> HTMLResponse | RedirectResponse:
    """A refusal draws the form again with what was typed (the photos must be chosen again)."""
    chosen = uploads(photos)
    try:
        made = reported(
            viewer,
            title,
            description,
            chosen,
            unit_id=int(unit_id) if unit_id.isdigit() else None,
            free_address=text(free_address, field="free_address", limit=ADDRESS_MAX),
        )
    except FORM_REFUSALS as exc:
        values = {"title": title, "description": description, "unit_id": unit_id}
        sent = Sent("report", {**values, "free_address": free_address})
        error = reason(exc, had_files=bool(chosen))
        return _report_page(request, viewer, sent=sent, error=error, status=exc.status)
    return redirect("/my/issues", notice=f"Thank you: your issue is {made.reference}")


@router.get("/jobs", response_class=HTMLResponse)
def jobs(request: Request, viewer: Contractor, page_number: PageNumber = 1) -> HTMLResponse:
    mine = find_issues(viewer.uow(), viewer.who, IssueQuery(), page=page_number)
    return page(request, "portal/jobs.html", viewer, title="My jobs", found=mine)


@router.get("/jobs/{issue_id}", response_class=HTMLResponse)
def job(request: Request, viewer: Contractor, issue_id: int) -> HTMLResponse:
    return job_page(request, viewer, issue_id)


def job_page(
    request: Request,
    viewer: Viewer,
    issue_id: int,
    *,
    sent: Sent = NOTHING,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    """The contractor's job; after a refused quote or step, with what was sent (web.again)."""
    context = issue_context(viewer, issue_id)
    issue = context["issue"]
    mine = next(iter(context["quotes"]), None)  # a contractor sees only its own quote
    asked = mine is not None and mine.status is QuoteStatus.REQUESTED
    return page(
        request,
        "portal/job.html",
        viewer,
        status_code=status,
        **context,
        **as_sent(sent, error),
        quote=mine,
        can_quote=asked and issue.status is Status.QUOTES_REQUESTED,
        instructed=issue.contractor_id == viewer.who.subject_id,
        contacts=issues.occupier_contacts(viewer.uow(), viewer.who, issue_id),
    )
