"""The shapes Alto's lists show records in, for the render cache (`kit.rendered`).

Rendered items are kept until any record changes: a property's address reaches its tenants
and its landlord, so one edit empties the whole store. `prerender` renders everything a full
sync reads ahead of serving.
"""

from __future__ import annotations

from ..kit.rendered import Json, Shape
from . import content, render, vocab
from .dataset import AltoData

LANDLORD_ROLES = {vocab.ROLE_LANDLORD, vocab.ROLE_POTENTIAL_LANDLORD}


def shapes(data: AltoData) -> dict[str, Shape]:
    def inventory_item(slot: int) -> Json:
        return render.inventory_item(content.property_flat(data, slot))

    def inventory_ref(slot: int) -> Json:
        flat = content.property_flat(data, slot)
        return {"id": str(flat["id"]), "address": render.inventory_item(flat)["address"]}

    def landlord(slot: int) -> Json:
        places = [content.property_place(data, p) for p in data.owned_property_slots(slot)]
        return render.landlord(content.contact_flat(data, slot), places)

    def tenancy_with_tenants(slot: int) -> Json:
        flat = content.tenancy_flat(data, slot)
        return render.tenancy(flat, content.tenants_of(data, flat))

    role = data.contacts.codes["role"]
    return {
        shape.name: shape
        for shape in (
            Shape("inventory_item", data.inventory, inventory_item),
            Shape("inventory_ref", data.inventory, inventory_ref),
            Shape("landlord", data.contacts, landlord, lambda s: role[s] in LANDLORD_ROLES),
            Shape(
                "supplier",
                data.contacts,
                lambda s: render.supplier(content.contact_flat(data, s)),
                lambda s: role[s] == vocab.ROLE_SUPPLIER,
            ),
            Shape(
                "tenancy",
                data.tenancies,
                lambda s: render.tenancy(content.tenancy_flat(data, s), None),
            ),
            Shape("tenancy_with_tenants", data.tenancies, tenancy_with_tenants),
            Shape(
                "contact", data.contacts, lambda s: render.contact(content.contact_flat(data, s))
            ),
        )
    }


FULL_SYNC_SHAPES = ("inventory_item", "landlord", "supplier", "tenancy_with_tenants")


def prerender(data: AltoData, names: tuple[str, ...] = FULL_SYNC_SHAPES) -> int:
    """Render every record of these shapes now (what a full sync reads); returns how many."""
    known = shapes(data)
    return data.rendered.prerender(known[name] for name in names)
