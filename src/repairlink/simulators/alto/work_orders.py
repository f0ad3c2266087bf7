"""Works orders: created by POST /work-orders, changed by a JSON Patch, listed per property.

Shaped like Alto's published WorkOrder (ids are strings of digits there, so they are here),
checked the way its CreateWorkOrderRequest is (propertyId, summary of 1 to 150 characters,
priority and reportedDate required). Beyond the schema, as the hub sends them (AL-10): a
`status` at creation (default "Supplier instructed"), `notes`, and a `tenantId`, kept for the
admin API. Every status a works order was given is kept with the time it arrived, so tests
can check the order and timing of AL-11's transitions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import clock, fields, vocab
from .dataset import AltoData
from .fields import FieldError
from .uploads import Document

WORK_ORDER_ID_BASE = 60_000_000
DEFAULT_STATUS = "Supplier instructed"
SUMMARY_MAX = 150
REQUIRED = ("propertyId", "summary", "priority", "reportedDate")


def _contact(data: AltoData, value: Any, name: str, role: int, what: str) -> int | None:
    record_id = fields.record_id(value, name)
    if record_id is None:
        return None
    slot = data.contacts.slot_of(record_id)
    if slot is None or data.contacts.code("role", slot) != role:
        raise FieldError(name, f"{record_id} is not an existing {what}.")
    return record_id


def _property(data: AltoData, value: Any, name: str) -> int:
    record_id = fields.record_id(value, name)
    if record_id is None or data.inventory.slot_of(record_id) is None:
        raise FieldError(name, f"{value!r} is not an existing property.")
    return record_id


def _actor(value: Any, name: str) -> Any:
    """Alto's WorkOrderActor is {type, id}; a plain string or a list of actors is kept too."""
    if value is None or isinstance(value, str):
        return value
    actors = value if isinstance(value, list) else [value]
    for actor in actors:
        if not isinstance(actor, dict):
            raise FieldError(name, "must be an object {type, id}, a list of them, or a string.")
        for key in ("type", "id"):
            if actor.get(key) is not None and not isinstance(actor[key], str | int):
                raise FieldError(name, f"{key} must be a string or null.")
    return value


def _required_text(limit: int | None = None) -> Callable[[AltoData, Any, str], Any]:
    return lambda data, value, name: fields.text(value, name, required=True, max_length=limit)


def _optional_text(data: AltoData, value: Any, name: str) -> Any:
    return fields.text(value, name)


# Each field's check, returning the value as kept; the same checks serve creation and patches.
RULES: dict[str, Callable[[AltoData, Any, str], Any]] = {
    "propertyId": _property,
    "summary": _required_text(SUMMARY_MAX),
    "priority": _required_text(),
    "status": _required_text(),
    "reportedDate": lambda data, value, name: fields.moment(value, name, required=True),
    "startDate": lambda data, value, name: fields.moment(value, name),
    "quote": lambda data, value, name: fields.number(value, name),
    "description": _optional_text,
    "notes": _optional_text,
    "negotiatorId": lambda data, value, name: fields.record_id(value, name),
    "supplierContactId": lambda data, value, name: _contact(
        data, value, name, vocab.ROLE_SUPPLIER, "supplier"
    ),
    "tenantId": lambda data, value, name: _contact(data, value, name, vocab.ROLE_TENANT, "tenant"),
    "reporterDetails": lambda data, value, name: _actor(value, name),
    "accessDetails": lambda data, value, name: _actor(value, name),
    "chargeDetails": lambda data, value, name: _actor(value, name),
}
# A works order stays on its property and keeps its number.
PATCHABLE = frozenset(RULES) - {"propertyId", "tenantId"}


@dataclass
class WorkOrder:
    id: int
    number: int
    values: dict[str, Any]
    created_ms: int
    modified_ms: int
    ignored_fields: list[str]
    statuses: list[dict[str, Any]] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        """The WorkOrder as Alto's API shows it."""
        values = self.values
        supplier = values.get("supplierContactId")
        start = values.get("startDate")
        return {
            "id": str(self.id),
            "propertyId": str(values["propertyId"]),
            "supplierContactId": None if supplier is None else str(supplier),
            "accessDetails": values.get("accessDetails"),
            "reporterDetails": values.get("reporterDetails"),
            "chargeDetails": values.get("chargeDetails"),
            "reportedDate": clock.to_alto(values["reportedDate"]),
            "startDate": None if start is None else clock.to_alto(start),
            "quote": values.get("quote"),
            "workOrderNumber": f"WO-{self.number:06d}",
            "status": values["status"],
            "summary": values["summary"],
            "description": values.get("description"),
            "notes": values.get("notes"),
            "priority": values["priority"],
            "modifiedDate": clock.to_alto(self.modified_ms),
        }

    def admin(self) -> dict[str, Any]:
        """Everything the simulator knows: for tests, through the admin API."""
        return {
            **self.public(),
            "tenantId": self.values.get("tenantId"),
            "negotiatorId": self.values.get("negotiatorId"),
            "createdDate": clock.to_alto(self.created_ms),
            "statusHistory": [dict(entry) for entry in self.statuses],
            "documents": [document.public() for document in self.documents],
            "ignoredFields": list(self.ignored_fields),
        }


def check_new(data: AltoData, body: Any) -> tuple[dict[str, Any], list[str]]:
    """The checked values of a creation request, and the fields it sent that Alto ignores."""
    if not isinstance(body, dict):
        raise FieldError("body", "must be a JSON object.")
    values: dict[str, Any] = {}
    for name, rule in RULES.items():
        raw = body.get(name)
        if raw is None and name == "status":
            values[name] = DEFAULT_STATUS
        elif raw is None and name in REQUIRED:
            raise FieldError(name, "is required.")
        else:
            values[name] = rule(data, raw, name)
    return values, sorted(set(body) - set(RULES))


def check_patch(data: AltoData, operations: Any) -> dict[str, Any]:
    """RFC 6902 `replace` and `add` on top-level fields, checked whole before any applies."""
    if not isinstance(operations, list) or not operations:
        raise FieldError("body", "must be a JSON Patch: a non-empty array of operations.")
    changes: dict[str, Any] = {}
    for operation in operations:
        if not isinstance(operation, dict):
            raise FieldError("body", "each operation must be an object {op, path, value}.")
        op, path = operation.get("op"), operation.get("path")
        if op not in ("replace", "add"):
            raise FieldError("op", f"{op!r} is not supported; use replace or add.")
        if not isinstance(path, str) or not path.startswith("/") or "/" in path[1:]:
            raise FieldError("path", f"{path!r} must name one top-level field, e.g. /status.")
        name = path[1:].replace("~1", "/").replace("~0", "~")
        if name not in PATCHABLE:
            raise FieldError(name, "cannot be patched.")
        if "value" not in operation:
            raise FieldError(name, "needs a value.")
        changes[name] = RULES[name](data, operation["value"], name)
    return changes


class WorkOrders:
    def __init__(self) -> None:
        self.by_id: dict[int, WorkOrder] = {}
        # Handlers run on the server's event loop; the lock is for readers in other threads.
        self.lock = threading.Lock()

    def create(self, values: dict[str, Any], ignored: list[str], now_ms: int) -> WorkOrder:
        with self.lock:
            number = len(self.by_id) + 1
            order = WorkOrder(
                WORK_ORDER_ID_BASE + number - 1, number, values, now_ms, now_ms, ignored
            )
            self.by_id[order.id] = order
            return order

    def get(self, work_order_id: int) -> WorkOrder | None:
        return self.by_id.get(work_order_id)

    def patch(self, order: WorkOrder, changes: dict[str, Any], now_ms: int) -> None:
        with self.lock:
            order.values.update(changes)
            order.modified_ms = now_ms

    def note_status(self, order: WorkOrder, status: str, seq: int, received_at: float) -> None:
        with self.lock:
            order.statuses.append({"status": status, "seq": seq, "received_at": received_at})

    def attach(self, order: WorkOrder, document: Document, now_ms: int) -> None:
        with self.lock:
            order.documents.append(document)
            order.modified_ms = now_ms

    def of_property(self, property_id: int) -> list[WorkOrder]:
        with self.lock:
            orders = list(self.by_id.values())
        return [order for order in orders if order.values["propertyId"] == property_id]

    def snapshot(self) -> list[dict[str, Any]]:
        with self.lock:
            return [order.admin() for order in self.by_id.values()]
