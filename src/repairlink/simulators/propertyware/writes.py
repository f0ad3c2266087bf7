"""What the hub writes to Propertyware (research §4.2): work orders created (`POST
/workorders`, body `SaveWorkOrder`), updated (`PUT /workorders/{id}`), closed (`PUT
/workorders/closeworkorder/{id}`), and documents uploaded onto them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..kit import clock, fields
from ..kit.bodies import form_text, json_body, require_form
from ..kit.errors import FieldError
from ..kit.uploads import Document, digest
from . import content, render
from .state import SimState

PRIORITIES = ("HIGH", "MEDIUM", "LOW")
TEXTS = ("description", "category", "type", "source", "status", "managedBy", "requestedBy")


def _order(state: SimState, slot: int) -> Response:
    flat = content.order_flat(state.data, slot)
    return JSONResponse(render.work_order(flat))


def _changes(body: Any) -> dict[str, Any]:
    """The SaveWorkOrder fields this simulator keeps, each checked by name."""
    if not isinstance(body, dict):
        raise FieldError("body", "must be a JSON object.")
    changes: dict[str, Any] = {}
    for name in TEXTS:
        if name in body:
            changes[name] = fields.text(body[name], name, max_length=4000)
    if "priority" in body:
        changes["priority"] = fields.one_of(body["priority"], "priority", PRIORITIES)
    return changes


async def create_work_order(state: SimState, request: Request) -> Response:
    body = await json_body(request)
    data = state.data
    unit_id = fields.record_id(body.get("unitID") if isinstance(body, dict) else None, "unitID")
    unit_slot = None if unit_id is None else data.units.slot_of(unit_id)
    if unit_slot is None:
        raise FieldError("unitID", "must name an existing unit.")
    changes = _changes(body)
    if not (changes.get("description") or "").strip():
        raise FieldError("description", "is required.")
    portfolio = data.units.code("portfolio", unit_slot)
    slot = data.workorders.add(clock.now_ms(), portfolio=portfolio, managed=1, ours=1)
    data.order_unit.append(unit_slot)
    data.workorders.overrides[slot] = {"status": "Open", **changes}
    order_id = data.workorders.id_of(slot)
    state.writes.accept(request, work_order_id=order_id, resource_id=order_id, status="Open")
    return JSONResponse(render.work_order(content.order_flat(data, slot)), status_code=201)


async def update_work_order(state: SimState, request: Request) -> Response:
    table = state.data.workorders
    slot = table.require(request.path_params["record_id"], "Work order")
    changes = _changes(await json_body(request))
    table.overrides.setdefault(slot, {}).update(changes)
    table.touch(slot, clock.now_ms())
    order_id = table.id_of(slot)
    status = content.order_flat(state.data, slot)["status"]
    state.writes.accept(request, work_order_id=order_id, resource_id=order_id, status=status)
    return _order(state, slot)


async def close_work_order(state: SimState, request: Request) -> Response:
    table = state.data.workorders
    slot = table.require(request.path_params["record_id"], "Work order")
    body = await json_body(request)
    if not isinstance(body, dict):
        raise FieldError("body", "must be a JSON object.")
    completed = fields.moment(body.get("completedDate"), "completedDate", required=True)
    comments = fields.text(body.get("comments"), "comments", max_length=4000)
    table.set_code("closed", slot, 1)
    kept = {"status": "Closed", "completedDate": completed, "comments": comments}
    table.overrides.setdefault(slot, {}).update(kept)
    table.touch(slot, clock.now_ms())
    order_id = table.id_of(slot)
    state.writes.accept(request, work_order_id=order_id, resource_id=order_id, status="Closed")
    return _order(state, slot)


async def upload_document(state: SimState, request: Request) -> Response:
    table = state.data.workorders
    slot = table.require(request.path_params["record_id"], "Work order")
    order_id = table.id_of(slot)
    require_form(request)
    async with request.form() as form:
        facts = await digest(form.get("file"), "file")
        about = fields.text(form_text(form, "description"), "description", max_length=255)
    now = clock.now_ms()
    _, document = state.documents.add(
        lambda doc_id: (order_id, Document(doc_id, facts.filename, about, facts, now))
    )
    state.writes.accept(request, work_order_id=order_id, resource_id=document.id)
    return JSONResponse(_document(order_id, document), status_code=201)


def _document(order_id: int, document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "entityType": "WORK_ORDER",
        "entityID": order_id,
        "fileName": document.name,
        "description": document.description,
        "contentType": document.file.content_type,
        "size": document.file.size,
        "createdDateTime": render.date_time(document.uploaded_ms),
    }


def documents(state: SimState, request: Request) -> Response:
    table = state.data.workorders
    order_id = table.id_of(table.require(request.path_params["record_id"], "Work order"))
    found = [_document(o, d) for o, d in state.documents.all() if o == order_id]
    return JSONResponse(found)


ENDPOINTS = (
    ("POST", "/workorders", create_work_order),
    ("PUT", "/workorders/{record_id:int}", update_work_order),
    ("PUT", "/workorders/closeworkorder/{record_id:int}", close_work_order),
    ("POST", "/workorders/{record_id:int}/documents", upload_document),
    ("GET", "/workorders/{record_id:int}/documents", documents),
)
