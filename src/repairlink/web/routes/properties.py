"""Properties: search and the active/deactivated/all filter, deactivate and reactivate (H-05),
merge duplicates (H-06), the record page with references and the audit trail (C-13)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.places import Unit
from repairlink.services import history, people_and_places, references, unit_reads, units
from repairlink.services.units import UnitFilter
from repairlink.web import timeline
from repairlink.web.render import page, redirect
from repairlink.web.session import Staff, StaffPost

router = APIRouter(prefix="/properties")
Search = Annotated[str, Query(max_length=200)]
Cursor = Annotated[str | None, Query(max_length=200)]


@router.get("", response_class=HTMLResponse)
def list_properties(
    request: Request,
    viewer: Staff,
    q: Search = "",
    status: UnitFilter = UnitFilter.ACTIVE,
    cursor: Cursor = None,
) -> HTMLResponse:
    found = units.list_units(viewer.uow(), status=status, q=q, cursor=cursor or None, limit=50)
    return page(
        request,
        "properties/list.html",
        viewer,
        title="Properties",
        units=found.items,
        next_cursor=found.next_cursor,
        q=q,
        status=status.value,
        filters=[(f.value, f.value.capitalize()) for f in UnitFilter],
        params=urlencode({"q": q, "status": status.value}),
    )


@router.get("/{unit_id}", response_class=HTMLResponse)
def show(request: Request, viewer: Staff, unit_id: int) -> HTMLResponse:
    unit = people_and_places.get(viewer.uow(), Unit, unit_id)
    groups = unit_reads.duplicate_groups(viewer.uow(), unit_id=unit_id)
    return page(
        request,
        "properties/detail.html",
        viewer,
        title=unit.address.one_line() or f"Unit {unit.id}",
        unit=unit,
        refs=references.references_of(viewer.uow(), "unit", unit_id, limit=100).items,
        occupiers=unit_reads.occupiers_at(viewer.uow(), unit_id),
        issues=unit_reads.issues_at(viewer.uow(), unit_id),
        duplicates=[u for group in groups for u in group if u.id != unit_id],
        trail=timeline.entries(history.history(viewer.uow(), "unit", unit_id)),
    )


@router.post("/{unit_id}/deactivate")
def deactivate(viewer: StaffPost, unit_id: int) -> RedirectResponse:
    unit = units.deactivate_unit(viewer.uow(), unit_id)
    return redirect(f"/properties/{unit_id}", notice=f"{unit.address.one_line()} is deactivated")


@router.post("/{unit_id}/reactivate")
def reactivate(viewer: StaffPost, unit_id: int) -> RedirectResponse:
    unit = units.reactivate_unit(viewer.uow(), unit_id)
    return redirect(f"/properties/{unit_id}", notice=f"{unit.address.one_line()} is active again")


@router.post("/{unit_id}/merge")
def merge(
    viewer: StaffPost, unit_id: int, duplicate_id: Annotated[int, Form(ge=1)]
) -> RedirectResponse:
    units.merge_units(viewer.uow(), survivor_id=unit_id, duplicate_id=duplicate_id)
    return redirect(
        f"/properties/{unit_id}",
        notice=f"Unit {duplicate_id} is merged into this one: its issues, occupiers and "
        "references are here now (H-06)",
    )
