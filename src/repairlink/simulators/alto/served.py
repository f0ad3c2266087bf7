"""List items as served: each record's JSON rendered once and kept as bytes.

Deriving a record from the seed and rendering it costs far more than sending it, and a test
double must not eat the CPU it shares with the hub it serves. So a list item is rendered on
its first request and kept until any record changes (the whole store is emptied then: a
property's address reaches its tenants and its landlord, and one edit among thousands of
reads costs little). `prerender` renders everything a full sync reads ahead of serving.
A record the fault plan breaks is rendered and broken afresh, never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
from starlette.responses import Response

from . import records, render, vocab
from .dataset import AltoData
from .state import SimState
from .table import Table

Json = dict[str, Any]


def _inventory_item(data: AltoData, slot: int) -> Json:
    return render.inventory_item(records.property_flat(data, slot))


def _landlord(data: AltoData, slot: int) -> Json:
    places = [records.property_place(data, p) for p in data.owned_property_slots(slot)]
    return render.landlord(records.contact_flat(data, slot), places)


def _supplier(data: AltoData, slot: int) -> Json:
    return render.supplier(records.contact_flat(data, slot))


def _tenancy(data: AltoData, slot: int) -> Json:
    return render.tenancy(records.tenancy_flat(data, slot), None)


def _tenancy_with_tenants(data: AltoData, slot: int) -> Json:
    flat = records.tenancy_flat(data, slot)
    return render.tenancy(flat, records.tenants_of(data, flat))


def _contact(data: AltoData, slot: int) -> Json:
    return render.contact(records.contact_flat(data, slot))


# shape -> (its table, how one record is rendered)
SHAPES: dict[str, tuple[Callable[[AltoData], Table], Callable[[AltoData, int], Json]]] = {
    "inventory_item": (lambda data: data.inventory, _inventory_item),
    "landlord": (lambda data: data.contacts, _landlord),
    "supplier": (lambda data: data.contacts, _supplier),
    "tenancy": (lambda data: data.tenancies, _tenancy),
    "tenancy_with_tenants": (lambda data: data.tenancies, _tenancy_with_tenants),
    "contact": (lambda data: data.contacts, _contact),
}


def _rendered(data: AltoData, shape: str, slot: int) -> bytes:
    # a copy of exactly its size: orjson's own buffer holds a few kilobytes to spare
    return bytes(memoryview(orjson.dumps(SHAPES[shape][1](data, slot))))


def _store(data: AltoData) -> dict[tuple[str, int], bytes]:
    version = data.version()
    if data.rendered_version != version:
        data.rendered.clear()
        data.rendered_version = version
    return data.rendered


def item(state: SimState, shape: str, slot: int) -> bytes:
    """One list item's JSON, broken on purpose when the fault plan marks the record."""
    data = state.data
    table_of, build = SHAPES[shape]
    table = table_of(data)
    record_id, modified_ms = table.id_of(slot), table.modified[slot]
    if state.faults.is_malformed(record_id, modified_ms):
        return orjson.dumps(state.faults.malform(build(data, slot), record_id, modified_ms))
    store = _store(data)
    key = (shape, slot)
    body = store.get(key)
    if body is None:
        body = store[key] = _rendered(data, shape, slot)
    return body


def page_response(meta: Json, items: list[bytes]) -> Response:
    """`{"meta": ..., "items": [...]}` from items already rendered."""
    body = b'{"meta":' + orjson.dumps(meta) + b',"items":[' + b",".join(items) + b"]}"
    return Response(body, media_type="application/json")


def _slots(data: AltoData, shape: str) -> Iterator[int]:
    table = SHAPES[shape][0](data)
    roles = {
        "landlord": {vocab.ROLE_LANDLORD, vocab.ROLE_POTENTIAL_LANDLORD},
        "supplier": {vocab.ROLE_SUPPLIER},
    }.get(shape)
    for slot in range(len(table)):
        if table.alive[slot] and (roles is None or table.code("role", slot) in roles):
            yield slot


FULL_SYNC_SHAPES = ("inventory_item", "landlord", "supplier", "tenancy_with_tenants")


def prerender(data: AltoData, shapes: tuple[str, ...] = FULL_SYNC_SHAPES) -> int:
    """Render every record of these shapes now (what a full sync reads); returns how many."""
    store = _store(data)
    count = 0
    for shape in shapes:
        for slot in _slots(data, shape):
            store[(shape, slot)] = _rendered(data, shape, slot)
            count += 1
    return count
