"""Alto's inbound endpoints: the reads the hub makes to pull properties, tenancies and people.

Paging parameters are spelled per endpoint exactly as the spec spells them (`next-token` on
most, `nextToken` on /inventory and /suppliers); a misspelt one is ignored, as a real server
would ignore an unknown parameter, so a connector that gets it wrong sees page one again.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import records, render, served, vocab
from .dataset import AltoData
from .guard import choice, emit, flag, guarded
from .listing import CAMEL_100, KEBAB_100, KEBAB_250, BadRequest, Keep, Page, page, read_window
from .mutations import NotFound
from .state import SimState


def _envelope(state: SimState, result: Page, shape: str, *, totals: bool = True) -> Response:
    meta: dict[str, Any] = {"nextToken": result.next_token}
    if totals:
        meta["totalItems"] = result.total
    items = [served.item(state, shape, slot) for slot in result.slots]
    return served.page_response(meta, items)


def _code_is(data: AltoData, field: str, code: int | None) -> Keep | None:
    if code is None:
        return None
    column = data.inventory.codes[field]
    return lambda slot: column[slot] == code


def _all_of(*keeps: Keep | None) -> Keep | None:
    active = [keep for keep in keeps if keep is not None]
    if not active:
        return None
    return lambda slot: all(keep(slot) for keep in active)


def inventory_filter(state: SimState, request: Request) -> Response:
    params, data = request.query_params, state.data
    window = read_window(params, KEBAB_250, state.config.max_page_size)
    record = choice(params, "recordType", vocab.RECORD_TYPES)
    management = choice(params, "managementType", vocab.MANAGEMENT_TYPES)
    maintenance = choice(params, "maintenance-type", vocab.MAINTENANCE_TYPES)
    if record is None and (management is not None or maintenance is not None):
        # Spec note: a management or maintenance filter alone returns lettings only.
        record = vocab.RECORD_TYPES.index("Rent")
    archived = flag(params, "archived")
    filters = (
        record,
        choice(params, "categoryType", vocab.CATEGORIES),
        management,
        maintenance,
        choice(params, "inventory-status", vocab.INVENTORY_STATUSES),
        None if archived is None else int(archived),
    )
    keep = _all_of(
        *(
            _code_is(data, field, code)
            for field, code in zip(
                (
                    "recordType",
                    "category",
                    "managementType",
                    "maintenanceType",
                    "status",
                    "archived",
                ),
                filters,
                strict=True,
            )
        )
    )
    result = page(data.inventory, window, keep, state.totals, ("filter", filters))
    return _envelope(state, result, "inventory_item", totals=False)


def inventory_list(state: SimState, request: Request) -> Response:
    params, data = request.query_params, state.data
    window = read_window(params, CAMEL_100, state.config.max_page_size, dated=False)
    archived = flag(params, "archived")
    filters = (
        choice(params, "recordType", vocab.RECORD_TYPES),
        choice(params, "category", vocab.CATEGORIES),
        None if archived is None else int(archived),
    )
    keep = _all_of(
        _code_is(data, "recordType", filters[0]),
        _code_is(data, "category", filters[1]),
        _code_is(data, "archived", filters[2]),
    )
    result = page(data.inventory, window, keep, state.totals, ("list", filters))
    items = []
    for slot in result.slots:
        flat = records.property_flat(data, slot)
        item = {"id": str(flat["id"]), "address": render.inventory_item(flat)["address"]}
        items.append(emit(state, item, flat["id"], flat["modifiedDate"]))
    return JSONResponse(
        {"meta": {"nextToken": result.next_token, "previousToken": None}, "items": items}
    )


def _property_slot(data: AltoData, request: Request) -> int:
    record_id = int(request.path_params["inventory_id"])
    slot = data.inventory.slot_of(record_id)
    if slot is None:
        raise NotFound(f"Inventory item {record_id} was not found.")
    return slot


def inventory_detail(state: SimState, request: Request) -> Response:
    data = state.data
    slot = _property_slot(data, request)
    flat = records.property_flat(data, slot)
    owner_slot = data.owner_slot(slot)
    owner = records.contact_flat(data, owner_slot) if data.contacts.alive[owner_slot] else None
    item = render.inventory_detail(flat, owner)
    return JSONResponse(emit(state, item, flat["id"], flat["modifiedDate"]))


def _tenants_of(data: AltoData, flat: records.Flat) -> list[records.Flat]:
    return records.tenants_of(data, flat)


def tenancies(state: SimState, request: Request) -> Response:
    params, data = request.query_params, state.data
    window = read_window(params, KEBAB_100, state.config.max_page_size)
    with_tenants = flag(params, "include-tenants") or False
    result = page(data.tenancies, window, None, state.totals, "all")
    return _envelope(state, result, "tenancy_with_tenants" if with_tenants else "tenancy")


def _tenancy_flat(data: AltoData, request: Request) -> records.Flat:
    record_id = int(request.path_params["tenancy_id"])
    slot = data.tenancies.slot_of(record_id)
    if slot is None:
        raise NotFound(f"Tenancy {record_id} was not found.")
    return records.tenancy_flat(data, slot)


def tenancy_detail(state: SimState, request: Request) -> Response:
    flat = _tenancy_flat(state.data, request)
    item = render.tenancy(flat, _tenants_of(state.data, flat))
    return JSONResponse(emit(state, item, flat["id"], flat["modifiedDate"]))


def tenancy_tenant_ids(state: SimState, request: Request) -> Response:
    flat = _tenancy_flat(state.data, request)
    # The simulator uses one number for a tenant and their contact.
    items = [{"tenantId": tenant, "contactId": tenant} for tenant in flat["tenantIds"]]
    return JSONResponse({"totalCount": len(items), "items": items})


def property_tenancies(state: SimState, request: Request) -> Response:
    data = state.data
    read_window(request.query_params, CAMEL_100, state.config.max_page_size, dated=False)
    slot = _property_slot(data, request)
    column, tenancies_table = data.tenancy_property, data.tenancies
    items = []
    for tenancy_slot in range(len(tenancies_table)):
        if column[tenancy_slot] == slot and tenancies_table.alive[tenancy_slot]:
            flat = records.tenancy_flat(data, tenancy_slot)
            item = render.tenancy(flat, _tenants_of(data, flat))
            items.append(emit(state, item, flat["id"], flat["modifiedDate"]))
    return JSONResponse({"meta": {"nextToken": None, "totalItems": len(items)}, "items": items})


def _roles(data: AltoData, roles: set[int], archived: bool | None) -> Keep:
    role_column, archived_column = data.contacts.codes["role"], data.contacts.codes["archived"]
    if archived is None:
        return lambda slot: role_column[slot] in roles
    wanted = int(archived)
    return lambda slot: role_column[slot] in roles and archived_column[slot] == wanted


def landlords(state: SimState, request: Request) -> Response:
    params, data = request.query_params, state.data
    window = read_window(params, KEBAB_100, state.config.max_page_size)
    status = params.get("active-status") or "Active"
    if status not in ("Active", "Archived", "All"):
        raise BadRequest("active-status must be Active, Archived or All.")
    archived = {"Active": False, "Archived": True, "All": None}[status]
    roles = {vocab.ROLE_LANDLORD, vocab.ROLE_POTENTIAL_LANDLORD}
    result = page(
        data.contacts, window, _roles(data, roles, archived), state.totals, ("landlords", status)
    )
    return _envelope(state, result, "landlord")


def suppliers(state: SimState, request: Request) -> Response:
    data = state.data
    window = read_window(request.query_params, CAMEL_100, state.config.max_page_size, dated=False)
    keep = _roles(data, {vocab.ROLE_SUPPLIER}, None)
    result = page(data.contacts, window, keep, state.totals, "suppliers")
    return _envelope(state, result, "supplier")


def _contact_flat(data: AltoData, request: Request, key: str, roles: set[int]) -> records.Flat:
    try:
        record_id = int(request.path_params[key])
    except ValueError as error:
        raise BadRequest("The id must be a number.") from error
    slot = data.contacts.slot_of(record_id)
    if slot is None or data.contacts.code("role", slot) not in roles:
        raise NotFound(f"{record_id} was not found.")
    return records.contact_flat(data, slot)


def supplier_detail(state: SimState, request: Request) -> Response:
    flat = _contact_flat(state.data, request, "supplier_id", {vocab.ROLE_SUPPLIER})
    return JSONResponse(emit(state, render.supplier(flat), flat["id"], flat["modifiedDate"]))


PERSONAS = {
    "tenant": {vocab.ROLE_TENANT},
    "landlord": {vocab.ROLE_LANDLORD, vocab.ROLE_POTENTIAL_LANDLORD},
}
ALL_ROLES = set(range(len(vocab.ROLE_NAMES)))


def contacts(state: SimState, request: Request) -> Response:
    params, data = request.query_params, state.data
    window = read_window(params, KEBAB_250, state.config.max_page_size)
    roles = set(ALL_ROLES)
    category = (params.get("category") or "").lower()
    if category:
        roles &= {
            "client": ALL_ROLES - {vocab.ROLE_SUPPLIER},
            "supplier": {vocab.ROLE_SUPPLIER},
        }.get(category, set())
    personas = [persona.lower() for persona in params.getlist("persona") if persona]
    if personas:
        roles &= set().union(*(PERSONAS.get(persona, set()) for persona in personas))
    active = flag(params, "active")
    keep = _roles(data, roles, None if active is None else not active)
    result = page(
        data.contacts, window, keep, state.totals, ("contacts", tuple(sorted(roles)), active)
    )
    return _envelope(state, result, "contact")


def contact_detail(state: SimState, request: Request) -> Response:
    flat = _contact_flat(state.data, request, "contact_id", ALL_ROLES)
    return JSONResponse(emit(state, render.contact(flat), flat["id"], flat["modifiedDate"]))


ENDPOINTS = (
    ("/inventory", inventory_list),
    ("/inventory/filter", inventory_filter),
    ("/inventory/{inventory_id:int}", inventory_detail),
    ("/inventory/{inventory_id:int}/tenancies", property_tenancies),
    ("/tenancies", tenancies),
    ("/tenancies/{tenancy_id:int}", tenancy_detail),
    ("/tenancies/{tenancy_id:int}/tenantIds", tenancy_tenant_ids),
    ("/landlords", landlords),
    ("/suppliers", suppliers),
    ("/suppliers/{supplier_id}", supplier_detail),
    ("/contacts/all", contacts),
    ("/contacts/{contact_id}", contact_detail),
)


def routes(state: SimState) -> list[Route]:
    return [
        Route(path, guarded(state, f"GET {path}", handler), methods=["GET"])
        for path, handler in ENDPOINTS
    ]
