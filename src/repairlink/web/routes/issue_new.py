"""Staff report an issue (C-03's first step, C-11): find the property, then say for whom
(an occupier living there, or themselves), what is wrong, its category and priority, with
photos. A refusal draws the form again with what was typed (web.again)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.issues import PRIORITIES, Issue
from repairlink.domain.limits import DESCRIPTION_MAX, TITLE_MAX
from repairlink.domain.places import Unit
from repairlink.services import issues, people_and_places, units
from repairlink.services.issue_files import Upload
from repairlink.services.occupiers import living_at
from repairlink.services.units import UnitFilter
from repairlink.web.again import FORM_REFUSALS, NOTHING, Sent, as_sent, reason
from repairlink.web.forms import text, uploads
from repairlink.web.render import page, redirect
from repairlink.web.session import Staff, StaffPost, Viewer

router = APIRouter(prefix="/issues/new")
CATEGORIES = (
    "Plumbing",
    "Heating and hot water",
    "Electrical",
    "Roof and gutters",
    "Damp and mould",
    "Doors, windows and locks",
    "Appliances",
    "Pests",
    "Garden and outside",
    "Communal areas",
    "Other",
)


@router.get("", response_class=HTMLResponse)
def new_issue(
    request: Request,
    viewer: Staff,
    unit_id: int | None = None,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    return _form_page(request, viewer, unit_id, q=q)


def _form_page(
    request: Request,
    viewer: Viewer,
    unit_id: int | None,
    *,
    q: str = "",
    sent: Sent = NOTHING,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    """The property search, or the form for the chosen property (after a refusal, as sent)."""
    unit = people_and_places.get(viewer.uow(), Unit, unit_id) if unit_id else None
    found = (
        units.find_units(viewer.uow(), status=UnitFilter.ACTIVE, q=q, per_page=20)
        if q.strip() and unit is None
        else None
    )
    return page(
        request,
        "issues/new.html",
        viewer,
        status_code=status,
        title="Report an issue",
        unit=unit,
        q=q,
        found=found,
        occupiers=living_at(viewer.uow(), unit.id) if unit else [],
        categories=CATEGORIES,
        priorities=PRIORITIES,
        **as_sent(sent, error),
    )


@router.post("", response_model=None)
def report(
    request: Request,
    viewer: StaffPost,
    unit_id: Annotated[int, Form(ge=1)],
    title: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
    category: Annotated[str, Form(max_length=100)] = "",
    priority: Annotated[str, Form(max_length=20)] = "normal",
    occupier_id: Annotated[str, Form(max_length=12)] = "",
    photos: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> HTMLResponse | RedirectResponse:
    """Limits are checked here, not by the signature, so that a refusal keeps what was typed
    (the photos must be chosen again)."""
    chosen = uploads(photos)
    try:
        made = reported(
            viewer,
            title,
            description,
            chosen,
            category=category,
            priority=priority,
            unit_id=unit_id,
            reporter_occupier_id=int(occupier_id) if occupier_id.isdigit() else None,
        )
    except FORM_REFUSALS as exc:
        typed = {"title": title, "description": description, "category": category}
        sent = Sent("report", {**typed, "priority": priority, "occupier_id": occupier_id})
        error = reason(exc, had_files=bool(chosen))
        return _form_page(request, viewer, unit_id, sent=sent, error=error, status=exc.status)
    return redirect(f"/issues/{made.id}", notice=f"{made.reference} is reported")


def reported(
    viewer: Viewer, title: str, description: str, photos: list[Upload], **where: Any
) -> Issue:
    """An issue reported from a console form (the staff's here, the occupier's in the portal):
    its texts held to their limits here, not by the route's signature, so that a refusal keeps
    what was typed; `where`, the rest `issues.report` takes (the property, for whom...)."""
    return issues.report(
        viewer.uow(),
        viewer.who,
        title=text(title, field="title", limit=TITLE_MAX),
        description=text(description, field="description", limit=DESCRIPTION_MAX),
        photos=photos,
        files=viewer.app.files,
        **where,
    )
