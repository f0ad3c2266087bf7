"""Contractors and landlords: searchable lists, and each one's page (contacts, trades or the
properties they own, their jobs, references in other systems, history)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from repairlink.domain.people import Contractor, Landlord
from repairlink.services import people_and_places, unit_reads
from repairlink.services.issue_search import IssueQuery
from repairlink.services.pagination import Numbered
from repairlink.web.people import person_context
from repairlink.web.render import page
from repairlink.web.session import Staff, Viewer

router = APIRouter()
Search = Annotated[str, Query(max_length=200)]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000, alias="page")]
SHOWN = {"active": False, "archived": True, "all": None}


def _list(
    request: Request, viewer: Viewer, cls: type, plural: str, q: str, show: str, number: int
) -> HTMLResponse:
    chosen = show if show in SHOWN else "active"
    found: Numbered[Any] = people_and_places.find_people(
        viewer.uow(), cls, q=q, archived=SHOWN[chosen], page=number
    )
    return page(
        request,
        "people/list.html",
        viewer,
        title=plural,
        found=found,
        q=q,
        show=chosen,
        base=f"/{plural.lower()}",
        params=urlencode({"q": q, "status": chosen}),
    )


@router.get("/contractors", response_class=HTMLResponse)
def contractors(
    request: Request, viewer: Staff, q: Search = "", status: Search = "active", n: PageNumber = 1
) -> HTMLResponse:
    return _list(request, viewer, Contractor, "Contractors", q, status, n)


@router.get("/landlords", response_class=HTMLResponse)
def landlords(
    request: Request, viewer: Staff, q: Search = "", status: Search = "active", n: PageNumber = 1
) -> HTMLResponse:
    return _list(request, viewer, Landlord, "Landlords", q, status, n)


@router.get("/contractors/{contractor_id}", response_class=HTMLResponse)
def contractor(request: Request, viewer: Staff, contractor_id: int) -> HTMLResponse:
    person = people_and_places.get(viewer.uow(), Contractor, contractor_id)
    query = IssueQuery(contractor_id=contractor_id)
    return page(
        request,
        "people/detail.html",
        viewer,
        **person_context(viewer, person, "contractor", query),
        trades=person.trades,
    )


@router.get("/landlords/{landlord_id}", response_class=HTMLResponse)
def landlord(request: Request, viewer: Staff, landlord_id: int) -> HTMLResponse:
    person = people_and_places.get(viewer.uow(), Landlord, landlord_id)
    return page(
        request,
        "people/detail.html",
        viewer,
        **person_context(viewer, person, "landlord", IssueQuery(landlord_id=landlord_id)),
        owned=unit_reads.units_of_landlord(viewer.uow(), landlord_id),
    )
