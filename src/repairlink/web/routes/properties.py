"""Properties: search (any part of the address, the postcode with or without its space, any PMS
reference) and the active/deactivated/all filter, deactivate and reactivate (H-05), merge
duplicates (H-06), the record page with references and the audit trail (C-13)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.places import Unit
from repairlink.errors import InvalidError
from repairlink.services import blocks, people_and_places, references, unit_reads, units
from repairlink.services.units import UnitFilter
from repairlink.web import timeline
from repairlink.web.render import page, redirect
from repairlink.web.session import Staff, StaffPost, Viewer

router = APIRouter(prefix="/properties")
Search = Annotated[str, Query(max_length=200)]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]
FILTER_LABELS = {
    UnitFilter.ACTIVE: "Active",
    UnitFilter.DEACTIVATED: "Deactivated",
    UnitFilter.ALL: "All",
}


@router.get("", response_class=HTMLResponse)
def list_properties(
    request: Request,
    viewer: Staff,
    q: Search = "",
    status: UnitFilter = UnitFilter.ACTIVE,
    page_number: Annotated[PageNumber, Query(alias="page")] = 1,
    estate: Annotated[int | None, Query(ge=1)] = None,
    building: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    found = units.find_units(
        viewer.uow(),
        status=status,
        q=q,
        page=page_number,
        per_page=50,
        estate_id=estate,
        building_id=building,
    )
    where = {"estate": estate or "", "building": building or ""}
    return page(
        request,
        "properties/list.html",
        viewer,
        title="Properties",
        found=found,
        refs=references.references_for(viewer.uow(), "unit", [u.id for u in found.items]),
        q=q,
        status=status.value,
        filters=[(f.value, text) for f, text in FILTER_LABELS.items()],
        params=urlencode({"q": q, "status": status.value, **where}),
        blocks=blocks.choices(viewer.uow(), estate),
        estate=estate,
        building=building,
    )


@router.get("/{unit_id}", response_class=HTMLResponse)
def show(request: Request, viewer: Staff, unit_id: int) -> HTMLResponse:
    unit = people_and_places.get(viewer.uow(), Unit, unit_id)
    groups = unit_reads.duplicate_groups(viewer.uow(), unit_id=unit_id)
    merged_into = (
        people_and_places.get(viewer.uow(), Unit, unit.merged_into_id)
        if unit.merged_into_id
        else None
    )
    return page(
        request,
        "properties/detail.html",
        viewer,
        title=unit.address.one_line(),
        unit=unit,
        place=blocks.place_of(viewer.uow(), unit),
        merged_into=merged_into,
        refs=references.references_of(viewer.uow(), "unit", unit_id, limit=100).items,
        occupiers=unit_reads.occupiers_at(viewer.uow(), unit_id),
        issues=unit_reads.issues_at(viewer.uow(), unit_id),
        duplicates=[u for group in groups for u in group if u.id != unit_id],
        trail=timeline.trail(viewer.uow(), viewer.formats, "unit", unit_id),
    )


@router.post("/{unit_id}/deactivate")
def deactivate(viewer: StaffPost, unit_id: int) -> RedirectResponse:
    unit = units.deactivate_unit(viewer.uow(), unit_id)
    return redirect(f"/properties/{unit_id}", notice=f"{unit.address.one_line()} is deactivated")


@router.post("/{unit_id}/reactivate")
def reactivate(viewer: StaffPost, unit_id: int) -> RedirectResponse:
    unit = units.reactivate_unit(viewer.uow(), unit_id)
    return redirect(f"/properties/{unit_id}", notice=f"{unit.address.one_line()} is active again")


def _duplicate(viewer: Viewer, duplicate_id: int | None, duplicate_q: str) -> Unit:
    """The duplicate chosen from the suggestions, or the one property a search finds."""
    if duplicate_id is not None:
        return people_and_places.get(viewer.uow(), Unit, duplicate_id)
    found = units.find_units(viewer.uow(), status=UnitFilter.ALL, q=duplicate_q, per_page=2)
    if found.total != 1:
        many = f"{found.total} properties match" if found.total else "No property matches"
        raise InvalidError(
            "unit.merge_search", f"{many}: give its full address or reference", field="duplicate"
        )
    return found.items[0]


@router.post("/{unit_id}/merge")
def merge(
    viewer: StaffPost,
    unit_id: int,
    duplicate_id: Annotated[int | None, Form(ge=1)] = None,
    duplicate_q: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    duplicate = _duplicate(viewer, duplicate_id, duplicate_q)
    units.merge_units(viewer.uow(), survivor_id=unit_id, duplicate_id=duplicate.id)
    return redirect(
        f"/properties/{unit_id}",
        notice=f"{duplicate.address.one_line()} is merged into this property: its issues, "
        "occupiers and references are here now",
    )
