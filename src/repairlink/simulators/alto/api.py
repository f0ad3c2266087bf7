"""Alto's inbound endpoints: the reads the hub makes to pull properties, tenancies and people.

Paging parameters are spelled per endpoint exactly as the spec spells them (`next-token` on
most, `nextToken` on /inventory and /suppliers); a misspelt one is ignored, as a real server
would ignore an unknown parameter, so a connector that gets it wrong sees page one again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..kit.errors import BadRequest, NotFound
from ..kit.paging import CursorPaging, DateFilters, list_response
from ..kit.query import Keep, all_of, choice, code_is, flag
from . import content, render, vocab
from .dataset import AltoData
from .state import SimState

DATED = DateFilters("modified-from", "modified-to", "created-from", "created-to")
KEBAB_100 = CursorPaging("next-token", "max-results", 100, 100, DATED)
KEBAB_250 = CursorPaging("next-token", "max-results", 50, 250, DATED)
CAMEL_100 = CursorPaging("nextToken", "maxResults", 100, 100)
# As the spec has them: /inventory/filter reports no total; /inventory a previous token.
FILTER_PAGING = replace(KEBAB_250, total_key=None)
INVENTORY_PAGING = replace(CAMEL_100, total_key=None, extra_meta={"previousToken": None})
INVENTORY_FILTERS = (
    ("recordType", "recordType", vocab.RECORD_TYPES),
    ("categoryType", "category", vocab.CATEGORIES),
    ("managementType", "managementType", vocab.MANAGEMENT_TYPES),
    ("maintenance-type", "maintenanceType", vocab.MAINTENANCE_TYPES),
    ("inventory-status", "status", vocab.INVENTORY_STATUSES),
)


def one_page(items: list[dict[str, Any]]) -> Response:
    """A list Alto answers in one page (a property's tenancies, a works order's documents)."""
    return JSONResponse({"meta": {"nextToken": None, "totalItems": len(items)}, "items": items})


def _json(state: SimState, item: dict[str, Any], flat: content.Flat) -> Response:
    return JSONResponse(state.faults.served(item, flat["id"], flat["modifiedDate"]))


def inventory_filter(state: SimState, request: Request) -> Response:
    params, table = request.query_params, state.data.inventory
    codes = {field: choice(params, name, values) for name, field, values in INVENTORY_FILTERS}
    if codes["recordType"] is None and (
        codes["managementType"] is not None or codes["maintenanceType"] is not None
    ):
        # Spec note: a management or maintenance filter alone returns lettings only.
        codes["recordType"] = vocab.RECORD_TYPES.index("Rent")
    archived = flag(params, "archived")
    codes["archived"] = None if archived is None else int(archived)
    keep = all_of(*(code_is(table, field, code) for field, code in codes.items()))
    shape = state.shapes["inventory_item"]
    return list_response(state, request, FILTER_PAGING, shape, keep, tuple(codes.values()))


def inventory_list(state: SimState, request: Request) -> Response:
    params, table = request.query_params, state.data.inventory
    archived = flag(params, "archived")
    codes = (
        choice(params, "recordType", vocab.RECORD_TYPES),
        choice(params, "category", vocab.CATEGORIES),
        None if archived is None else int(archived),
    )
    fields = ("recordType", "category", "archived")
    keep = all_of(*(code_is(table, f, c) for f, c in zip(fields, codes, strict=True)))
    shape = state.shapes["inventory_ref"]
    return list_response(state, request, INVENTORY_PAGING, shape, keep, codes)


def inventory_detail(state: SimState, request: Request) -> Response:
    data = state.data
    slot = data.inventory.require(request.path_params["inventory_id"], "Inventory item")
    flat = content.property_flat(data, slot)
    owner_slot = data.owner_slot(slot)
    owner = content.contact_flat(data, owner_slot) if data.contacts.alive[owner_slot] else None
    return _json(state, render.inventory_detail(flat, owner), flat)


def tenancies(state: SimState, request: Request) -> Response:
    with_tenants = flag(request.query_params, "include-tenants") or False
    shape = state.shapes["tenancy_with_tenants" if with_tenants else "tenancy"]
    return list_response(state, request, KEBAB_100, shape)


def _tenancy_flat(data: AltoData, request: Request) -> content.Flat:
    slot = data.tenancies.require(request.path_params["tenancy_id"], "Tenancy")
    return content.tenancy_flat(data, slot)


def tenancy_detail(state: SimState, request: Request) -> Response:
    flat = _tenancy_flat(state.data, request)
    return _json(state, render.tenancy(flat, content.tenants_of(state.data, flat)), flat)


def tenancy_tenant_ids(state: SimState, request: Request) -> Response:
    flat = _tenancy_flat(state.data, request)
    # The simulator uses one number for a tenant and their contact.
    items = [{"tenantId": tenant, "contactId": tenant} for tenant in flat["tenantIds"]]
    return JSONResponse({"totalCount": len(items), "items": items})


def property_tenancies(state: SimState, request: Request) -> Response:
    data = state.data
    CAMEL_100.window(request.query_params, state.config.max_page_size)  # checked, one page
    slot = data.inventory.require(request.path_params["inventory_id"], "Inventory item")
    column, table = data.tenancy_property, data.tenancies
    items = []
    for tenancy_slot in range(len(table)):
        if column[tenancy_slot] == slot and table.alive[tenancy_slot]:
            flat = content.tenancy_flat(data, tenancy_slot)
            item = render.tenancy(flat, content.tenants_of(data, flat))
            items.append(state.faults.served(item, flat["id"], flat["modifiedDate"]))
    return one_page(items)


def _roles(data: AltoData, roles: set[int], archived: bool | None) -> Keep:
    role_column, archived_column = data.contacts.codes["role"], data.contacts.codes["archived"]
    if archived is None:
        return lambda slot: role_column[slot] in roles
    wanted = int(archived)
    return lambda slot: role_column[slot] in roles and archived_column[slot] == wanted


LANDLORD_STATUSES = {"Active": False, "Archived": True, "All": None}


def landlords(state: SimState, request: Request) -> Response:
    status = request.query_params.get("active-status") or "Active"
    if status not in LANDLORD_STATUSES:
        raise BadRequest("active-status must be Active, Archived or All.")
    roles = {vocab.ROLE_LANDLORD, vocab.ROLE_POTENTIAL_LANDLORD}
    keep = _roles(state.data, roles, LANDLORD_STATUSES[status])
    return list_response(state, request, KEBAB_100, state.shapes["landlord"], keep, status)


def suppliers(state: SimState, request: Request) -> Response:
    keep = _roles(state.data, {vocab.ROLE_SUPPLIER}, None)
    return list_response(state, request, CAMEL_100, state.shapes["supplier"], keep)


def _contact_flat(data: AltoData, request: Request, key: str, roles: set[int]) -> content.Flat:
    try:
        record_id = int(request.path_params[key])
    except ValueError as error:
        raise BadRequest("The id must be a number.") from error
    slot = data.contacts.slot_of(record_id)
    if slot is None or data.contacts.code("role", slot) not in roles:
        raise NotFound(f"{record_id} was not found.")
    return content.contact_flat(data, slot)


def supplier_detail(state: SimState, request: Request) -> Response:
    flat = _contact_flat(state.data, request, "supplier_id", {vocab.ROLE_SUPPLIER})
    return _json(state, render.supplier(flat), flat)


PERSONAS = {
    "tenant": {vocab.ROLE_TENANT},
    "landlord": {vocab.ROLE_LANDLORD, vocab.ROLE_POTENTIAL_LANDLORD},
}
ALL_ROLES = set(range(len(vocab.ROLE_NAMES)))
CATEGORY_ROLES = {"client": ALL_ROLES - {vocab.ROLE_SUPPLIER}, "supplier": {vocab.ROLE_SUPPLIER}}


def contacts(state: SimState, request: Request) -> Response:
    params = request.query_params
    roles = set(ALL_ROLES)
    category = (params.get("category") or "").lower()
    if category:
        roles &= CATEGORY_ROLES.get(category, set())
    personas = [persona.lower() for persona in params.getlist("persona") if persona]
    if personas:
        roles &= set().union(*(PERSONAS.get(persona, set()) for persona in personas))
    active = flag(params, "active")
    keep = _roles(state.data, roles, None if active is None else not active)
    key = (tuple(sorted(roles)), active)
    return list_response(state, request, KEBAB_250, state.shapes["contact"], keep, key)


def contact_detail(state: SimState, request: Request) -> Response:
    flat = _contact_flat(state.data, request, "contact_id", ALL_ROLES)
    return _json(state, render.contact(flat), flat)


ENDPOINTS = (
    ("GET", "/inventory", inventory_list),
    ("GET", "/inventory/filter", inventory_filter),
    ("GET", "/inventory/{inventory_id:int}", inventory_detail),
    ("GET", "/inventory/{inventory_id:int}/tenancies", property_tenancies),
    ("GET", "/tenancies", tenancies),
    ("GET", "/tenancies/{tenancy_id:int}", tenancy_detail),
    ("GET", "/tenancies/{tenancy_id:int}/tenantIds", tenancy_tenant_ids),
    ("GET", "/landlords", landlords),
    ("GET", "/suppliers", suppliers),
    ("GET", "/suppliers/{supplier_id}", supplier_detail),
    ("GET", "/contacts/all", contacts),
    ("GET", "/contacts/{contact_id}", contact_detail),
)
