"""Alto's own admin routes, beside the kit's (`kit.admin`): what was generated, what the hub wrote.

GET /_admin/summary       counts of the generated data, the records the hub must skip included
GET /_admin/work-orders   every works order, its documents and status history
GET /_admin/charges       every charge, its fields as posted, its document
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from starlette.requests import Request

from ..kit.admin import AdminRoute
from . import vocab
from .dataset import CODE_VOCAB
from .state import SimState


def summary(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    """Counts of what was generated, including every kind of record the hub must skip."""
    data = state.data
    inventory, tenancy_table, contact_table = data.inventory, data.tenancies, data.contacts
    alive = [slot for slot in range(len(inventory)) if inventory.alive[slot]]
    by_code: dict[str, dict[str, int]] = {}
    for field, values in CODE_VOCAB.items():
        column = inventory.codes[field]
        by_code[field] = dict(Counter(values[column[slot]] for slot in alive))
    by_code["archived"] = {"true": sum(inventory.codes["archived"][s] for s in alive)}
    tenancy_status = Counter(
        vocab.TENANCY_STATUSES[tenancy_table.code("status", slot)]
        for slot in range(len(tenancy_table))
        if tenancy_table.alive[slot]
    )
    people: dict[str, Counter[str]] = {name: Counter() for name in vocab.ROLE_NAMES}
    for slot in range(len(contact_table)):
        if not contact_table.alive[slot]:
            continue
        tally = people[vocab.ROLE_NAMES[contact_table.code("role", slot)]]
        tally["total"] += 1
        tally["archived"] += contact_table.code("archived", slot)
        tally["no_email"] += contact_table.code("noEmail", slot)
        if contact_table.code("role", slot) == vocab.ROLE_SUPPLIER:
            listed = vocab.TRADES[contact_table.code("trade", slot)] in vocab.LISTED_TRADES
            tally["listed_trade" if listed else "unlisted_trade"] += 1
    return {
        "inventory": {"total": len(alive), **by_code},
        "tenancies": {"total": sum(tenancy_status.values()), "status": dict(tenancy_status)},
        "contacts": {role: dict(tally) for role, tally in people.items()},
    }


def work_orders(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    return {"items": [order.admin() for order in state.work_orders.all()]}


def charges(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    return {"items": [charge.admin() for charge in state.charges.all()]}


ROUTES: tuple[AdminRoute[SimState], ...] = (
    ("GET", "summary", summary),
    ("GET", "work-orders", work_orders),
    ("GET", "charges", charges),
)
