"""Occupiers: the H-02 filters and search, the lock icon (H-01), bulk archive (H-03), the
permanent delete behind a confirmation dialog (H-04), and each occupier's page (contacts,
homes, issues, references in other systems, history)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.people import Occupier
from repairlink.domain.places import Unit
from repairlink.services import links, occupiers, people_and_places
from repairlink.services.issue_search import IssueQuery
from repairlink.services.occupiers import OccupierFilter
from repairlink.web.people import person_context
from repairlink.web.render import page, redirect
from repairlink.web.session import Staff, StaffPost

router = APIRouter(prefix="/occupiers")
FILTER_LABELS = {
    OccupierFilter.ACTIVE_AND_RECENTLY_ARCHIVED: "Active and recently archived",
    OccupierFilter.ACTIVE: "Active",
    OccupierFilter.ARCHIVED: "Archived",
    OccupierFilter.ALL: "All",
}


@router.get("", response_class=HTMLResponse)
def list_occupiers(
    request: Request,
    viewer: Staff,
    q: Annotated[str, Query(max_length=200)] = "",
    status: OccupierFilter = OccupierFilter.ACTIVE_AND_RECENTLY_ARCHIVED,
    page_number: Annotated[int, Query(ge=1, le=1_000_000, alias="page")] = 1,
) -> HTMLResponse:
    found = occupiers.find_occupiers(viewer.uow(), status=status, q=q, page=page_number)
    return page(
        request,
        "occupiers/list.html",
        viewer,
        title="Occupiers",
        found=found,
        q=q,
        status=status.value,
        filters=[(f.value, text) for f, text in FILTER_LABELS.items()],
        params=urlencode({"q": q, "status": status.value}),
        back=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )


@router.get("/{occupier_id}", response_class=HTMLResponse)
def show(request: Request, viewer: Staff, occupier_id: int) -> HTMLResponse:
    person = people_and_places.get(viewer.uow(), Occupier, occupier_id)
    homes = links.list_tenancies(viewer.uow(), occupier_id=occupier_id, limit=100).items
    return page(
        request,
        "people/detail.html",
        viewer,
        **person_context(viewer, person, "occupier", IssueQuery(occupier_id=occupier_id)),
        homes=[(people_and_places.get(viewer.uow(), Unit, t.unit_id), t) for t in homes],
    )


def _back(back: str) -> str:
    return back if back.startswith("/occupiers") else "/occupiers"


Back = Annotated[str, Form(max_length=500)]


@router.post("/{occupier_id}/lock")
def lock(viewer: StaffPost, occupier_id: int, back: Back = "") -> RedirectResponse:
    found = occupiers.lock(viewer.uow(), occupier_id)
    return redirect(_back(back), notice=f"{found.display_name} is locked out and archived")


@router.post("/{occupier_id}/unlock")
def unlock(viewer: StaffPost, occupier_id: int, back: Back = "") -> RedirectResponse:
    found = occupiers.unlock(viewer.uow(), occupier_id)
    return redirect(_back(back), notice=f"{found.display_name} is unlocked and active again")


@router.post("/archive")
def bulk_archive(
    viewer: StaffPost,
    occupier_ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    back: Back = "",
) -> RedirectResponse:
    chosen = occupiers.bulk_archive(viewer.uow(), occupier_ids)
    return redirect(_back(back), notice=f"Archived {len(chosen)} occupier(s)")


@router.post("/{occupier_id}/delete")
def delete(
    viewer: StaffPost,
    occupier_id: int,
    confirm: Annotated[str, Form(max_length=10)] = "",
    back: Back = "",
) -> RedirectResponse:
    occupiers.delete(viewer.uow(), occupier_id, confirm=confirm == "yes")
    return redirect(_back(back), notice="The occupier is deleted; their issues stay, anonymised")
