"""Works orders: created by POST /work-orders, changed by a JSON Patch, listed per property.

Shaped like Alto's published WorkOrder (ids are strings of digits there, so they are here),
checked the way its CreateWorkOrderRequest is (propertyId, summary of 1 to 150 characters,
priority and reportedDate required). Beyond the schema, as the hub sends them (AL-10): a
`status` at creation (default "Supplier instructed"), `notes`, and a `tenantId`, kept for the
admin API. Every status a works order was given is kept with the time it arrived, so tests
can check the order and timing of AL-11's transitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..kit import fields
from ..kit.clock import to_dotnet
from ..kit.errors import FieldError
from ..kit.ledger import Ledger
from ..kit.patch import top_level_changes
from ..kit.uploads import Document
from . import render, vocab
from .dataset import AltoData

DEFAULT_STATUS = "Supplier instructed"
SUMMARY_MAX = 150
REQUIRED = ("propertyId", "summary", "priority", "reportedDate")


def contact_id(data: AltoData, value: Any, name: str, role: int, what: str) -> int | None:
    """The id of an existing contact in `role` (a supplier, a tenant), or null."""
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


def _rules(data: AltoData) -> dict[str, fields.Rule]:
    """Each field's check, returning the value as kept; the same serve creation and patches."""

    def required_text(limit: int | None = None) -> fields.Rule:
        return lambda value, name: fields.text(value, name, required=True, max_length=limit)

    return {
        "propertyId": lambda value, name: _property(data, value, name),
        "summary": required_text(SUMMARY_MAX),
        "priority": required_text(),
        "status": required_text(),
        "reportedDate": lambda value, name: fields.moment(value, name, required=True),
        "startDate": fields.moment,
        "quote": fields.number,
        "description": fields.text,
        "notes": fields.text,
        "negotiatorId": fields.record_id,
        "supplierContactId": lambda value, name: contact_id(
            data, value, name, vocab.ROLE_SUPPLIER, "supplier"
        ),
        "tenantId": lambda value, name: contact_id(data, value, name, vocab.ROLE_TENANT, "tenant"),
        "reporterDetails": _actor,
        "accessDetails": _actor,
        "chargeDetails": _actor,
    }


# A works order stays on its property and keeps its tenant.
UNPATCHABLE = {"propertyId", "tenantId"}


@dataclass
class WorkOrder:
    id: int
    number: int  # 1, 2, ... in order of creation: "WO-000001"
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
            "reportedDate": to_dotnet(values["reportedDate"]),
            "startDate": None if start is None else to_dotnet(start),
            "quote": values.get("quote"),
            "workOrderNumber": f"WO-{self.number:06d}",
            "status": values["status"],
            "summary": values["summary"],
            "description": values.get("description"),
            "notes": values.get("notes"),
            "priority": values["priority"],
            "modifiedDate": to_dotnet(self.modified_ms),
        }

    def admin(self) -> dict[str, Any]:
        """Everything the simulator knows: for tests, through the admin API."""
        return {
            **self.public(),
            "tenantId": self.values.get("tenantId"),
            "negotiatorId": self.values.get("negotiatorId"),
            "createdDate": to_dotnet(self.created_ms),
            "statusHistory": [dict(entry) for entry in self.statuses],
            "documents": [render.document(document) for document in self.documents],
            "ignoredFields": list(self.ignored_fields),
        }


def check_new(data: AltoData, body: Any) -> tuple[dict[str, Any], list[str]]:
    """The checked values of a creation request, and the fields it sent that Alto ignores."""
    if not isinstance(body, dict):
        raise FieldError("body", "must be a JSON object.")
    rules = _rules(data)
    values = fields.check_all(body, rules, required=REQUIRED, defaults={"status": DEFAULT_STATUS})
    return values, sorted(set(body) - set(rules))


def check_patch(data: AltoData, operations: Any) -> dict[str, Any]:
    """The checked changes of a JSON Patch (`replace` and `add` on top-level fields)."""
    rules = _rules(data)
    changes = top_level_changes(operations, set(rules) - UNPATCHABLE)
    return {name: rules[name](value, name) for name, value in changes.items()}


class WorkOrders(Ledger[WorkOrder]):
    def create(self, values: dict[str, Any], ignored: list[str], now_ms: int) -> WorkOrder:
        def make(record_id: int) -> WorkOrder:
            number = record_id - self.id_base + 1
            return WorkOrder(record_id, number, values, now_ms, now_ms, ignored)

        return self.add(make)

    def patch(self, order: WorkOrder, changes: dict[str, Any], now_ms: int) -> None:
        with self.lock:
            order.values.update(changes)
            order.modified_ms = now_ms

    def note_status(self, order: WorkOrder, status: str, entry: dict[str, Any]) -> None:
        """Keep the status with the write log's receipt of it (seq, received_at)."""
        with self.lock:
            order.statuses.append(
                {"status": status, "seq": entry["seq"], "received_at": entry["received_at"]}
            )

    def attach(self, order: WorkOrder, document: Document, now_ms: int) -> None:
        with self.lock:
            order.documents.append(document)
            order.modified_ms = now_ms

    def of_property(self, property_id: int) -> list[WorkOrder]:
        return [order for order in self.all() if order.values["propertyId"] == property_id]
