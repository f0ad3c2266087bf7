"""What the hub writes to Propman (seed 000): repair orders, created on instruction and replaced
whole on every status change, and purchase invoice records on close.

A repair order names the issue (IS#), its status, title, category, details, start date, cost
code, supplier, and its estate, building and unit by Propman reference; a reference Propman
does not hold is a 400 naming the field. Propman numbers the job (RO...). Every accepted write
is logged (`kit.writelog`) with its Idempotency-Key; like most PMSs, Propman does not
de-duplicate on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..kit import fields
from ..kit.bodies import json_body
from ..kit.clock import now_ms, to_utc_z
from ..kit.errors import FieldError, NotFound
from ..kit.ledger import Ledger
from .content import PREFIX
from .data import PropmanData

if TYPE_CHECKING:
    from .app import PropmanState

STATUSES = ("Raised", "Instructed", "In progress", "Completed", "Closed", "Cancelled")
REFERENCED = {
    "supplierReference": "suppliers",
    "estateReference": "estates",
    "buildingReference": "buildings",
    "unitReference": "units",
}


@dataclass
class RepairOrder:
    id: int
    values: dict[str, Any]
    created_at: int
    history: list[str] = field(default_factory=list)  # every status it was sent, in order

    @property
    def job_reference(self) -> str:
        return f"RO{self.id}"

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "jobReference": self.job_reference,
            **self.values,
            "statusHistory": list(self.history),
            "createdAt": to_utc_z(self.created_at),
        }


@dataclass
class PurchaseInvoice:
    id: int
    issue_reference: str
    job_reference: str
    net: Decimal
    gross: Decimal

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "invoiceReference": f"PI{self.id}",
            "issueReference": self.issue_reference,
            "jobReference": self.job_reference,
            "netAmount": f"{self.net:.2f}",
            "grossAmount": f"{self.gross:.2f}",
        }


class Writes:
    def __init__(self, data: PropmanData, order_base: int, invoice_base: int) -> None:
        self.data = data
        self.orders: Ledger[RepairOrder] = Ledger(order_base)
        self.invoices: Ledger[PurchaseInvoice] = Ledger(invoice_base)

    def held(self, kind: str, ref: str) -> bool:
        prefix, width = PREFIX[kind]
        digits = ref[len(prefix) :]
        if not ref.startswith(prefix) or not digits.isdigit() or len(digits) != width:
            return False
        table = self.data.tables[kind]
        slot = int(digits) - 1
        return 0 <= slot < len(table) and bool(table.alive[slot])

    def order_values(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise FieldError("body", "must be a JSON object.")

        def status(value: Any, name: str) -> str | None:
            return fields.one_of(value, name, STATUSES, required=True)

        def propman_ref(value: Any, name: str) -> str | None:
            ref = fields.text(value, name)
            if ref and not self.held(REFERENCED[name], ref):
                raise FieldError(name, f"{ref!r} is not a Propman reference it holds.")
            return ref or None

        def start(value: Any, name: str) -> str | None:
            moment = fields.moment(value, name)
            return None if moment is None else to_utc_z(moment)[:10]

        rules: dict[str, fields.Rule] = {
            "issueReference": lambda v, n: fields.text(v, n, required=True, max_length=32),
            "status": status,
            "title": lambda v, n: fields.text(v, n, required=True, max_length=255),
            "category": fields.text,
            "details": fields.text,
            "startDate": start,
            "costCode": fields.text,
            **dict.fromkeys(REFERENCED, propman_ref),
        }
        return fields.check_all(body, rules, required=("issueReference", "status", "title"))


def _order(state: PropmanState, request: Request) -> RepairOrder:
    """A repair order by its job reference (RO90000001), as Propman names it everywhere."""
    job = str(request.path_params["job"])
    digits = job[2:] if job.startswith("RO") else ""
    found = state.propman.orders.get(int(digits)) if digits.isdigit() else None
    if found is None:
        raise NotFound(f"Repair order {job} was not found.")
    return found


async def create_order(state: PropmanState, request: Request) -> Response:
    writes = state.propman
    values = writes.order_values(await json_body(request))
    order = writes.orders.add(lambda id_: RepairOrder(id_, values, now_ms(), [values["status"]]))
    state.writes.accept(request, repair_order_id=order.id, status=values["status"])
    return JSONResponse(order.json(), status_code=201)


async def replace_order(state: PropmanState, request: Request) -> Response:
    """PM-05: the whole repair order again, every field, on each status change."""
    writes = state.propman
    order = _order(state, request)
    values = writes.order_values(await json_body(request))
    order.values = values
    order.history.append(values["status"])
    state.writes.accept(request, repair_order_id=order.id, status=values["status"])
    return JSONResponse(order.json())


def get_order(state: PropmanState, request: Request) -> Response:
    return JSONResponse(_order(state, request).json())


def find_orders(state: PropmanState, request: Request) -> Response:
    """`?issueReference=`: the repair orders of one issue (how a client finds one again)."""
    wanted = request.query_params.get("issueReference")
    items = [
        o.json()
        for o in state.propman.orders.all()
        if wanted is None or o.values["issueReference"] == wanted
    ]
    return JSONResponse({"total": len(items), "offset": 0, "limit": len(items), "items": items})


async def create_invoice(state: PropmanState, request: Request) -> Response:
    """PM-06: the issue's reference, the job's, net and gross."""
    writes = state.propman
    body = await json_body(request)
    if not isinstance(body, dict):
        raise FieldError("body", "must be a JSON object.")
    jobs = {o.job_reference: o for o in writes.orders.all()}

    def job(value: Any, name: str) -> str:
        ref = str(fields.text(value, name, required=True))
        if ref not in jobs:
            raise FieldError(name, f"{ref!r} is not a repair order's job reference.")
        return ref

    def amount(value: Any, name: str) -> Decimal:
        found = fields.money(value, name)
        if found is None:
            raise FieldError(name, "is required.")
        return found

    rules: dict[str, fields.Rule] = {
        "issueReference": lambda v, n: fields.text(v, n, required=True),
        "jobReference": job,
        "netAmount": amount,
        "grossAmount": amount,
    }
    values = fields.check_all(body, rules, required=tuple(rules))
    if values["grossAmount"] < values["netAmount"]:
        raise FieldError("grossAmount", "must not be less than netAmount.")
    invoice = writes.invoices.add(
        lambda id_: PurchaseInvoice(
            id_,
            values["issueReference"],
            values["jobReference"],
            values["netAmount"],
            values["grossAmount"],
        )
    )
    state.writes.accept(request, resource_id=invoice.id)
    return JSONResponse(invoice.json(), status_code=201)


ENDPOINTS = (
    ("POST", "/repair-orders", create_order),
    ("GET", "/repair-orders", find_orders),
    ("GET", "/repair-orders/{job:str}", get_order),
    ("PUT", "/repair-orders/{job:str}", replace_order),
    ("POST", "/purchase-invoices", create_invoice),
)
