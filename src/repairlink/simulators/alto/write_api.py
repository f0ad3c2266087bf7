"""Alto's outbound endpoints, as the hub calls them: works orders, their documents, charges.

Every accepted write is logged (`writelog`) with the request's `Idempotency-Key` header if
it sent one. Alto publishes no idempotency, so the simulator does not de-duplicate either:
a retried POST makes a second works order or charge, and the log shows both.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import charges, clock, fields, records, uploads, work_orders
from .charges import Target
from .fields import FieldError
from .mutations import NotFound
from .state import SimState
from .work_orders import WorkOrder
from .write_guard import AsyncHandler, guarded_async, json_body, require_form


def _key(request: Request) -> str | None:
    return request.headers.get("idempotency-key")


def _order(state: SimState, request: Request) -> WorkOrder:
    work_order_id = int(request.path_params["work_order_id"])
    order = state.work_orders.get(work_order_id)
    if order is None:
        raise NotFound(f"Work order {work_order_id} was not found.")
    return order


def _list(items: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"meta": {"nextToken": None, "totalItems": len(items)}, "items": items})


async def create_work_order(state: SimState, request: Request) -> Response:
    values, ignored = work_orders.check_new(state.data, await json_body(request))
    order = state.work_orders.create(values, ignored, clock.now_ms())
    status = values["status"]
    entry = state.writes.record(
        "POST",
        request.url.path,
        _key(request),
        work_order_id=order.id,
        status=status,
        resource_id=order.id,
    )
    state.work_orders.note_status(order, status, entry["seq"], entry["received_at"])
    location = f"{str(request.base_url).rstrip('/')}/work-orders/{order.id}"
    return JSONResponse(order.public(), status_code=201, headers={"Location": location})


async def get_work_order(state: SimState, request: Request) -> Response:
    return JSONResponse(_order(state, request).public())


async def patch_work_order(state: SimState, request: Request) -> Response:
    order = _order(state, request)
    changes = work_orders.check_patch(state.data, await json_body(request))
    state.work_orders.patch(order, changes, clock.now_ms())
    status = changes.get("status")
    entry = state.writes.record(
        "PATCH",
        request.url.path,
        _key(request),
        work_order_id=order.id,
        status=status,
        resource_id=order.id,
    )
    if status is not None:
        state.work_orders.note_status(order, status, entry["seq"], entry["received_at"])
    return JSONResponse(order.public())


async def property_work_orders(state: SimState, request: Request) -> Response:
    property_id = int(request.path_params["inventory_id"])
    if state.data.inventory.slot_of(property_id) is None:
        raise NotFound(f"Inventory item {property_id} was not found.")
    return _list([order.public() for order in state.work_orders.of_property(property_id)])


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if isinstance(value, UploadFile):
        raise FieldError(name, "must be a text field, not a file.")
    return value


async def add_document(state: SimState, request: Request) -> Response:
    order = _order(state, request)
    require_form(request)
    async with request.form() as form:
        facts = await uploads.digest(form.get("file"), "file")
        name = fields.text(_text(form, "name"), "name", max_length=255)
        description = fields.text(_text(form, "description"), "description")
    now = clock.now_ms()
    document = state.documents.add(facts, name, description, now)
    state.work_orders.attach(order, document, now)
    state.writes.record(
        "POST", request.url.path, _key(request), work_order_id=order.id, resource_id=document.id
    )
    return JSONResponse(document.public(), status_code=201)


async def list_documents(state: SimState, request: Request) -> Response:
    return _list([document.public() for document in _order(state, request).documents])


async def property_charge(state: SimState, request: Request) -> Response:
    property_id = int(request.path_params["property_id"])
    if state.data.inventory.slot_of(property_id) is None:
        raise NotFound(f"Inventory item {property_id} was not found.")
    return await _charge(state, request, Target(request.url.path, property_id))


async def tenancy_charge(state: SimState, request: Request) -> Response:
    tenancy_id = int(request.path_params["tenancy_id"])
    slot = state.data.tenancies.slot_of(tenancy_id)
    if slot is None:
        raise NotFound(f"Tenancy {tenancy_id} was not found.")
    flat = records.tenancy_flat(state.data, slot)
    target = Target(request.url.path, flat["propertyId"], tenancy_id, tuple(flat["tenantIds"]))
    return await _charge(state, request, target)


async def _charge(state: SimState, request: Request, target: Target) -> Response:
    require_form(request)
    async with request.form() as form:
        posted: dict[str, str] = {}
        for name, value in form.multi_items():
            if isinstance(value, str):
                posted[name] = value
            elif name != charges.FILE_FIELD:
                raise FieldError(name, "must be a text field, not a file.")
        values = charges.check(state.data, state.work_orders, target, posted)
        part = form.get(charges.FILE_FIELD)
        facts = None if part is None else await uploads.digest(part, charges.FILE_FIELD)
    now = clock.now_ms()
    document = None if facts is None else state.documents.add(facts, None, None, now)
    charge = state.charges.add(target, values, posted, document, now)
    state.writes.record(
        "POST",
        target.path,
        _key(request),
        work_order_id=values["workOrderId"],
        resource_id=charge.id,
    )
    return JSONResponse(charge.public(), status_code=201)


ENDPOINTS: tuple[tuple[str, str, AsyncHandler], ...] = (
    ("/work-orders", "POST", create_work_order),
    ("/work-orders/{work_order_id:int}", "GET", get_work_order),
    ("/work-orders/{work_order_id:int}", "PATCH", patch_work_order),
    ("/work-orders/{work_order_id:int}/documents", "GET", list_documents),
    ("/work-orders/{work_order_id:int}/documents", "POST", add_document),
    ("/inventory/{inventory_id:int}/work-orders", "GET", property_work_orders),
    ("/inventory/{property_id:int}/charges", "POST", property_charge),
    ("/tenancies/{tenancy_id:int}/charges", "POST", tenancy_charge),
)


def routes(state: SimState) -> list[Route]:
    return [
        Route(path, guarded_async(state, f"{method} {path}", handler), methods=[method])
        for path, method, handler in ENDPOINTS
    ]
