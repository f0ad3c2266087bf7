"""Propertyware's read endpoints (research §4.2): every list takes `offset`/`limit` (spelled
exactly so: another case is an unknown parameter, ignored), up to 500 a page, the total in
`X-Total-Count`, and `lastModifiedDateTimeStart`/`End`; the body is a bare array."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..kit.errors import BadRequest
from ..kit.paging import DateFilters, OffsetPaging, list_response
from ..kit.query import Keep, all_of, flag
from ..kit.table import Table
from . import content, render
from .data import CONTACT_TYPES
from .state import SimState

PAGING = OffsetPaging(
    default_size=100,
    max_size=500,
    dates=DateFilters("lastModifiedDateTimeStart", "lastModifiedDateTimeEnd"),
)


def _id_param(params: Any, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise BadRequest(f"{name} must be a number.")
    return int(value)


def _same(table: Table, slot_value: Callable[[int], int], wanted: int | None) -> Keep | None:
    return None if wanted is None else (lambda slot: slot_value(slot) == wanted)


def _portfolio(state: SimState, table: Table, params: Any) -> Keep | None:
    wanted = _id_param(params, "portfolioID")
    if wanted is None:
        return None
    code = wanted - state.data.portfolios.id_base
    column = table.codes["portfolio"]
    return lambda slot: column[slot] == code


def _live(table: Table, params: Any) -> Keep | None:
    """Deactivated records only with `includeDeactivated=true`."""
    if flag(params, "includeDeactivated"):
        return None
    column = table.codes["active"]
    return lambda slot: column[slot] == 1


def portfolios(state: SimState, request: Request) -> Response:
    table, params = state.data.portfolios, request.query_params
    keep = _live(table, params)
    return list_response(state, request, PAGING, state.shapes["portfolio"], keep, keep is None)


def buildings(state: SimState, request: Request) -> Response:
    table, params = state.data.buildings, request.query_params
    keep = all_of(_portfolio(state, table, params), _live(table, params))
    key = (params.get("portfolioID"), params.get("includeDeactivated"))
    return list_response(state, request, PAGING, state.shapes["building"], keep, key)


def units(state: SimState, request: Request) -> Response:
    data, params = state.data, request.query_params
    building = _id_param(params, "buildingID")
    on_building = None
    if building is not None:
        slot_of = data.buildings.id_base
        on_building = _same(data.units, lambda s: data.unit_building[s] + slot_of, building)
    keep = all_of(_portfolio(state, data.units, params), _live(data.units, params), on_building)
    key = (params.get("portfolioID"), params.get("includeDeactivated"), building)
    return list_response(state, request, PAGING, state.shapes["unit"], keep, key)


def leases(state: SimState, request: Request) -> Response:
    data, params = state.data, request.query_params
    status = (params.get("status") or "").lower()
    if status not in ("", "active", "inactive"):
        raise BadRequest("status must be active or inactive.")
    active = data.leases.codes["active"]
    by_status = None if not status else (lambda s: active[s] == int(status == "active"))
    portfolio = _id_param(params, "portfolioID")
    units_portfolio = data.units.codes["portfolio"]
    in_portfolio = None
    if portfolio is not None:
        code = portfolio - data.portfolios.id_base
        in_portfolio = _same(data.leases, lambda s: units_portfolio[data.lease_unit[s]], code)
    keep = all_of(by_status, in_portfolio)
    return list_response(state, request, PAGING, state.shapes["lease"], keep, (status, portfolio))


def contacts(state: SimState, request: Request) -> Response:
    wanted = (request.query_params.get("type") or "").upper()
    if wanted and wanted not in CONTACT_TYPES:
        raise BadRequest(f"type must be one of {', '.join(CONTACT_TYPES)}.")
    column = state.data.contacts.codes["type"]
    code = CONTACT_TYPES.index(wanted) if wanted else None
    keep = None if code is None else (lambda slot: column[slot] == code)
    return list_response(state, request, PAGING, state.shapes["contact"], keep, code)


def vendors(state: SimState, request: Request) -> Response:
    active = flag(request.query_params, "active")
    column = state.data.vendors.codes["active"]
    keep = None if active is None else (lambda slot: column[slot] == int(active))
    return list_response(state, request, PAGING, state.shapes["vendor"], keep, active)


def work_orders(state: SimState, request: Request) -> Response:
    data, params = state.data, request.query_params
    keep = _portfolio(state, data.workorders, params)
    key = params.get("portfolioID")
    return list_response(state, request, PAGING, state.shapes["work_order"], keep, key)


def _one(state: SimState, request: Request, table: Table, what: str, shape: str) -> Response:
    slot = table.require(request.path_params["record_id"], what)
    item = state.rendered.item(state.faults, state.shapes[shape], slot)
    return Response(item, media_type="application/json")


def building_detail(state: SimState, request: Request) -> Response:
    return _one(state, request, state.data.buildings, "Building", "building")


def building_managers(state: SimState, request: Request) -> Response:
    slot = state.data.buildings.require(request.path_params["record_id"], "Building")
    flat = content.building_flat(state.data, slot)
    return JSONResponse([{"id": flat["managerID"], "name": flat["managerName"]}])


def unit_detail(state: SimState, request: Request) -> Response:
    return _one(state, request, state.data.units, "Unit", "unit")


def lease_detail(state: SimState, request: Request) -> Response:
    return _one(state, request, state.data.leases, "Lease", "lease")


def lease_contacts(state: SimState, request: Request) -> Response:
    data = state.data
    slot = data.leases.require(request.path_params["record_id"], "Lease")
    people = [content.contact_flat(data, c) for c in data.lease_contact_slots(slot)]
    return JSONResponse([render.contact(person) for person in people])


def work_order_detail(state: SimState, request: Request) -> Response:
    return _one(state, request, state.data.workorders, "Work order", "work_order")


ENDPOINTS = (
    ("GET", "/portfolios", portfolios),
    ("GET", "/buildings", buildings),
    ("GET", "/buildings/{record_id:int}", building_detail),
    ("GET", "/buildings/{record_id:int}/managers", building_managers),
    ("GET", "/units", units),
    ("GET", "/units/{record_id:int}", unit_detail),
    ("GET", "/leases", leases),
    ("GET", "/leases/{record_id:int}", lease_detail),
    ("GET", "/leases/{record_id:int}/contacts", lease_contacts),
    ("GET", "/contacts", contacts),
    ("GET", "/vendors", vendors),
    ("GET", "/workorders", work_orders),
    ("GET", "/workorders/{record_id:int}", work_order_detail),
)
