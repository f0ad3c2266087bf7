"""The back door under /_admin/: change upstream data, read counters, inject faults.

No auth: the simulator listens on 127.0.0.1 only and this is how tests play the agency's
staff working in Alto while the hub syncs. Admin requests never meet injected faults and
are not counted with the data requests.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import clock, mutations, records, vocab
from .dataset import TRADES
from .faults import REQUEST_FAULTS
from .guard import problem
from .state import SimState

AdminHandler = Callable[[SimState, Request, dict[str, Any]], Any]


def _wrap(state: SimState, handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        body: dict[str, Any] = {}
        raw = await request.body()
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                return problem(400, "The body must be JSON.")
            if not isinstance(parsed, dict):
                return problem(400, "The body must be a JSON object.")
            body = parsed
        try:
            result = handler(state, request, body)
        except mutations.NotFound as error:
            return problem(404, str(error))
        except (mutations.Invalid, ValueError, TypeError) as error:
            return problem(400, str(error))
        return result if isinstance(result, Response) else JSONResponse(result)

    return endpoint


def _plain(flat: records.Flat) -> dict[str, Any]:
    """A flat record for people: times in Alto's format, and the raw ms alongside."""
    out = dict(flat)
    for key, value in flat.items():
        if key.endswith("Date") and isinstance(value, int):
            out[key] = clock.to_alto(value)
    out["modifiedMs"] = flat["modifiedDate"]
    return out


def _record_id(request: Request) -> int:
    return int(request.path_params["record_id"])


def get_record(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    kind = request.path_params["kind"]
    slot = mutations.locate(state.data, kind, _record_id(request))
    return _plain(mutations.flat_of(state.data, kind, slot))


def edit_record(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    kind = request.path_params["kind"]
    return _plain(mutations.edit(state.data, kind, _record_id(request), body, clock.now_ms()))


def archive_record(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    kind = request.path_params["kind"]
    return _plain(mutations.archive(state.data, kind, _record_id(request), clock.now_ms()))


def delete_record(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    mutations.delete(state.data, request.path_params["kind"], _record_id(request))
    return Response(status_code=204)


def add_record(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    kind = request.path_params["kind"]
    flat = mutations.add(state.data, kind, body, clock.now_ms())
    return JSONResponse(_plain(flat), status_code=201)


def churn(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    seed = body.get("seed")
    changed = mutations.churn(
        state.data,
        float(body.get("fraction", 0.01)),
        None if seed is None else int(seed),
        clock.now_ms(),
    )
    return {"changed": changed, "counts": {kind: len(ids) for kind, ids in changed.items()}}


def get_faults(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    return state.faults.snapshot()


def set_faults(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    """Partial update of the rates and seed; the fault sequence restarts from the seed."""
    state.faults.configure(state.faults.settings.updated(body))
    return state.faults.snapshot()


def fail_next(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    kind = str(body.get("kind", "503"))
    if kind not in REQUEST_FAULTS:
        raise ValueError(f"kind must be one of {', '.join(REQUEST_FAULTS)}")
    state.faults.arm(int(body.get("count", 1)), kind, str(body.get("path", "")))
    return state.faults.snapshot()


def stats(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    return state.stats()


def reset_stats(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    state.reset_stats()
    return state.stats()


def expire_tokens(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    return {"expired": state.authority.expire_all()}


def health(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    config = state.config
    return {
        "ok": True,
        "seed": config.seed,
        "units": config.units,
        "generated_seconds": round(state.generated_seconds, 3),
        "client_id": config.client_id,
        "agency_ref": config.agency_ref,
    }


def summary(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    """Counts of what was generated, including every kind of record the hub must skip."""
    data = state.data
    inventory, tenancy_table, contact_table = data.inventory, data.tenancies, data.contacts
    alive = [slot for slot in range(len(inventory)) if inventory.alive[slot]]
    by_code: dict[str, dict[str, int]] = {}
    for field, values in (
        ("recordType", vocab.RECORD_TYPES),
        ("category", vocab.CATEGORIES),
        ("managementType", vocab.MANAGEMENT_TYPES),
        ("maintenanceType", vocab.MAINTENANCE_TYPES),
        ("status", vocab.INVENTORY_STATUSES),
    ):
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
            listed = TRADES[contact_table.code("trade", slot)] in vocab.LISTED_TRADES
            tally["listed_trade" if listed else "unlisted_trade"] += 1
    return {
        "inventory": {"total": len(alive), **by_code},
        "tenancies": {"total": sum(tenancy_status.values()), "status": dict(tenancy_status)},
        "contacts": {role: dict(tally) for role, tally in people.items()},
    }


KIND = "/_admin/{kind:str}"
RECORD = "/_admin/{kind:str}/{record_id:int}"
ADMIN_ROUTES: tuple[tuple[str, str, AdminHandler], ...] = (
    ("/_admin/health", "GET", health),
    ("/_admin/summary", "GET", summary),
    ("/_admin/stats", "GET", stats),
    ("/_admin/stats/reset", "POST", reset_stats),
    ("/_admin/faults", "GET", get_faults),
    ("/_admin/faults", "PUT", set_faults),
    ("/_admin/faults/fail-next", "POST", fail_next),
    ("/_admin/tokens/expire", "POST", expire_tokens),
    ("/_admin/churn", "POST", churn),
    (KIND, "POST", add_record),
    (RECORD, "GET", get_record),
    (RECORD, "PATCH", edit_record),
    (RECORD, "DELETE", delete_record),
    (RECORD + "/archive", "POST", archive_record),
)


def routes(state: SimState) -> list[Route]:
    return [
        Route(path, _wrap(state, handler), methods=[method])
        for path, method, handler in ADMIN_ROUTES
    ]
