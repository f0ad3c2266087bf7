"""The occupier's side (report an issue, C-11; their issues) and the contractor's (their jobs,
the appointment, completion with costs and invoice: C-06, C-07)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.places import Unit
from repairlink.services import agencies, issues, links, people_and_places
from repairlink.web.render import page, redirect
from repairlink.web.routes.issues import issue_context
from repairlink.web.session import Contractor, Occupier, OccupierPost, Viewer

router = APIRouter()


def _units_for(viewer: Viewer, only_uploaded: bool) -> list[Unit]:
    """The units of the occupier's tenancies; only active ones when the agency allows no
    free-typed address (C-11)."""
    tenancies = links.list_tenancies(viewer.uow(), occupier_id=viewer.who.subject_id, limit=100)
    found = [people_and_places.get(viewer.uow(), Unit, t.unit_id) for t in tenancies.items]
    return [u for u in found if u.active or not only_uploaded]


@router.get("/my/issues", response_class=HTMLResponse)
def my_issues(request: Request, viewer: Occupier) -> HTMLResponse:
    mine = issues.list_issues(viewer.uow(), viewer.who, limit=100)
    return page(request, "portal/my_issues.html", viewer, title="My issues", issues=mine.items)


@router.get("/my/report", response_class=HTMLResponse)
def report_form(request: Request, viewer: Occupier) -> HTMLResponse:
    agency = agencies.get_agency(viewer.uow())
    only = agency.only_display_uploaded_properties
    return page(
        request,
        "portal/report.html",
        viewer,
        title="Report an issue",
        units=_units_for(viewer, only),
        only_uploaded=only,
    )


@router.post("/my/report")
def report(
    viewer: OccupierPost,
    title: Annotated[str, Form(max_length=200)],
    description: Annotated[str, Form(max_length=5000)] = "",
    unit_id: Annotated[str, Form(max_length=12)] = "",
    free_address: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    made = issues.report(
        viewer.uow(),
        viewer.who,
        title=title,
        description=description,
        unit_id=int(unit_id) if unit_id.isdigit() else None,
        free_address=free_address,
    )
    return redirect("/my/issues", notice=f"Thank you: your issue is {made.reference}")


@router.get("/jobs", response_class=HTMLResponse)
def jobs(request: Request, viewer: Contractor) -> HTMLResponse:
    mine = issues.list_issues(viewer.uow(), viewer.who, limit=100)
    return page(request, "portal/jobs.html", viewer, title="My jobs", issues=mine.items)


@router.get("/jobs/{issue_id}", response_class=HTMLResponse)
def job(request: Request, viewer: Contractor, issue_id: int) -> HTMLResponse:
    context = issue_context(viewer, issue_id)
    return page(
        request,
        "portal/job.html",
        viewer,
        **context,
        contacts=issues.occupier_contacts(viewer.uow(), viewer.who, issue_id),
    )
