"""Staff report an issue (C-03's first step, C-11): find the property, then say for whom
(an occupier living there, or themselves), what is wrong, its category and priority, with
photos."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.issues import PRIORITIES
from repairlink.domain.places import Unit
from repairlink.services import issues, people_and_places, units
from repairlink.services.occupiers import living_at
from repairlink.services.units import UnitFilter
from repairlink.web.forms import uploads
from repairlink.web.render import page, redirect
from repairlink.web.session import Staff, StaffPost

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
        title="Report an issue",
        unit=unit,
        q=q,
        found=found,
        occupiers=living_at(viewer.uow(), unit.id) if unit else [],
        categories=CATEGORIES,
        priorities=PRIORITIES,
    )


@router.post("")
def report(
    viewer: StaffPost,
    unit_id: Annotated[int, Form(ge=1)],
    title: Annotated[str, Form(max_length=200)],
    description: Annotated[str, Form(max_length=5000)] = "",
    category: Annotated[str, Form(max_length=100)] = "",
    priority: Annotated[str, Form(max_length=20)] = "normal",
    occupier_id: Annotated[str, Form(max_length=12)] = "",
    photos: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> RedirectResponse:
    made = issues.report(
        viewer.uow(),
        viewer.who,
        title=title,
        description=description,
        category=category,
        priority=priority if priority in PRIORITIES else "normal",
        unit_id=unit_id,
        reporter_occupier_id=int(occupier_id) if occupier_id.isdigit() else None,
        photos=uploads(photos),
        files=viewer.app.files,
    )
    return redirect(f"/issues/{made.id}", notice=f"{made.reference} is reported")
