"""Alto's outbound endpoints, as the hub calls them: works orders, their documents, charges.

Every accepted write is logged (`kit.writelog`) with the request's `Idempotency-Key` header if
it sent one. Alto publishes no idempotency, so the simulator does not de-duplicate either:
a retried POST makes a second works order or charge, and the log shows both.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..kit import fields
from ..kit.bodies import form_text, form_texts, json_body, require_form
from ..kit.clock import now_ms
from ..kit.uploads import Document, FileFacts, digest
from . import charges, content, render, work_orders
from .api import one_page
from .charges import Target
from .state import SimState
from .work_orders import WorkOrder


def _order(state: SimState, request: Request) -> WorkOrder:
    return state.work_orders.require(request.path_params["work_order_id"], "Work order")


def _document(state: SimState, facts: FileFacts, name: str | None, about: str | None) -> Document:
    now = now_ms()
    return state.documents.add(lambda id_: Document(id_, name or facts.filename, about, facts, now))


async def create_work_order(state: SimState, request: Request) -> Response:
    values, ignored = work_orders.check_new(state.data, await json_body(request))
    order = state.work_orders.create(values, ignored, now_ms())
    status = values["status"]
    entry = state.writes.accept(
        request, work_order_id=order.id, status=status, resource_id=order.id
    )
    state.work_orders.note_status(order, status, entry)
    location = f"{str(request.base_url).rstrip('/')}/work-orders/{order.id}"
    return JSONResponse(order.public(), status_code=201, headers={"Location": location})


async def get_work_order(state: SimState, request: Request) -> Response:
    return JSONResponse(_order(state, request).public())


async def patch_work_order(state: SimState, request: Request) -> Response:
    order = _order(state, request)
    changes = work_orders.check_patch(state.data, await json_body(request))
    state.work_orders.patch(order, changes, now_ms())
    status = changes.get("status")
    entry = state.writes.accept(
        request, work_order_id=order.id, status=status, resource_id=order.id
    )
    if status is not None:
        state.work_orders.note_status(order, status, entry)
    return JSONResponse(order.public())


async def property_work_orders(state: SimState, request: Request) -> Response:
    property_id = int(request.path_params["inventory_id"])
    state.data.inventory.require(property_id, "Inventory item")
    return one_page([order.public() for order in state.work_orders.of_property(property_id)])


async def add_document(state: SimState, request: Request) -> Response:
    order = _order(state, request)
    require_form(request)
    async with request.form() as form:
        facts = await digest(form.get("file"), "file")
        name = fields.text(form_text(form, "name"), "name", max_length=255)
        description = fields.text(form_text(form, "description"), "description")
    document = _document(state, facts, name, description)
    state.work_orders.attach(order, document, document.uploaded_ms)
    state.writes.accept(request, work_order_id=order.id, resource_id=document.id)
    return JSONResponse(render.document(document), status_code=201)


async def list_documents(state: SimState, request: Request) -> Response:
    return one_page([render.document(document) for document in _order(state, request).documents])


async def property_charge(state: SimState, request: Request) -> Response:
    property_id = int(request.path_params["property_id"])
    state.data.inventory.require(property_id, "Inventory item")
    return await _charge(state, request, Target(request.url.path, property_id))


async def tenancy_charge(state: SimState, request: Request) -> Response:
    tenancy_id = int(request.path_params["tenancy_id"])
    flat = content.tenancy_flat(state.data, state.data.tenancies.require(tenancy_id, "Tenancy"))
    target = Target(request.url.path, flat["propertyId"], tenancy_id, tuple(flat["tenantIds"]))
    return await _charge(state, request, target)


async def _charge(state: SimState, request: Request, target: Target) -> Response:
    require_form(request)
    async with request.form() as form:
        posted = form_texts(form, (charges.FILE_FIELD,))
        values = charges.check(state.data, state.work_orders, target, posted)
        part = form.get(charges.FILE_FIELD)
        facts = None if part is None else await digest(part, charges.FILE_FIELD)
    document = None if facts is None else _document(state, facts, None, None)
    charge = state.charges.record(target, values, posted, document, now_ms())
    state.writes.accept(request, work_order_id=values["workOrderId"], resource_id=charge.id)
    return JSONResponse(charge.public(), status_code=201)


ENDPOINTS = (
    ("POST", "/work-orders", create_work_order),
    ("GET", "/work-orders/{work_order_id:int}", get_work_order),
    ("PATCH", "/work-orders/{work_order_id:int}", patch_work_order),
    ("GET", "/work-orders/{work_order_id:int}/documents", list_documents),
    ("POST", "/work-orders/{work_order_id:int}/documents", add_document),
    ("GET", "/inventory/{inventory_id:int}/work-orders", property_work_orders),
    ("POST", "/inventory/{property_id:int}/charges", property_charge),
    ("POST", "/tenancies/{tenancy_id:int}/charges", tenancy_charge),
)
