"""The generic PMS's API: three lists read by modified window (the client reads the last 72
hours of each), its users, and the work-order writes a bridge client makes (create, set the
status, the number or the assignee)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..kit import clock, fields
from ..kit.bodies import json_body
from ..kit.errors import FieldError
from ..kit.paging import list_response
from .state import PAGING, STATUSES, USERS, PlatformState


def _lister(kind: str) -> Any:
    def listing(state: PlatformState, request: Request) -> Response:
        return list_response(state, request, PAGING, state.shapes[kind])

    return listing


def users(state: PlatformState, request: Request) -> Response:
    return JSONResponse({"items": list(USERS)})


def one_property(state: PlatformState, request: Request) -> Response:
    slot = state.properties.require(request.path_params["property_id"], "Property")
    return JSONResponse(state.render_property(slot))


def work_order(state: PlatformState, request: Request) -> Response:
    slot = state.orders.require(request.path_params["order_id"], "Work order")
    return JSONResponse(state.render_order(slot))


def _checks(state: PlatformState) -> dict[str, fields.Rule]:
    def property_id(value: Any, name: str) -> int | None:
        found = fields.record_id(value, name)
        if found is not None and state.properties.slot_of(found) is None:
            raise FieldError(name, f"{value!r} is not an existing property.")
        return found

    def user(value: Any, name: str) -> int | None:
        found = fields.record_id(value, name)
        if found is not None and found not in state.user_ids:
            raise FieldError(name, f"{value!r} is not a user.")
        return found

    def status(value: Any, name: str) -> str | None:
        return fields.one_of(value, name, STATUSES)

    def short_text(value: Any, name: str) -> str | None:
        return fields.text(value, name, max_length=200)

    return {
        "propertyId": property_id,
        "summary": short_text,
        "description": fields.text,
        "status": status,
        "assigneeId": user,
        "number": short_text,
    }


async def create_work_order(state: PlatformState, request: Request) -> Response:
    values = fields.check_all(
        await json_body(request), _checks(state), required=("propertyId", "summary")
    )
    values = {key: value for key, value in values.items() if value is not None}
    values.setdefault("status", "Open")
    flat = state.records.add("work-orders", values, clock.now_ms())  # numbered by the PMS
    state.writes.accept(request, resource_id=flat["id"])
    slot = state.orders.require(flat["id"], "Work order")
    return JSONResponse(state.render_order(slot), status_code=201)


async def update_work_order(state: PlatformState, request: Request) -> Response:
    order_id = request.path_params["order_id"]
    state.orders.require(order_id, "Work order")
    body = await json_body(request)
    checks = _checks(state)
    unknown = sorted(set(body) - {"status", "assigneeId", "number", "summary", "description"})
    if unknown:
        raise FieldError(unknown[0], "cannot be changed.")
    changes = {name: checks[name](value, name) for name, value in body.items()}
    state.records.edit("work-orders", order_id, changes, clock.now_ms())
    state.writes.accept(request, resource_id=order_id)
    return JSONResponse(state.render_order(state.orders.require(order_id, "Work order")))


ENDPOINTS: tuple[tuple[str, str, Any], ...] = (
    ("GET", "/properties", _lister("properties")),
    ("GET", "/residents", _lister("residents")),
    ("GET", "/work-orders", _lister("work-orders")),
    ("GET", "/users", users),
    ("GET", "/properties/{property_id:int}", one_property),
    ("GET", "/work-orders/{order_id:int}", work_order),
    ("POST", "/work-orders", create_work_order),
    ("PATCH", "/work-orders/{order_id:int}", update_work_order),
)
