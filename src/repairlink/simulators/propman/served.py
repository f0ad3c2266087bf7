"""Propman's JSON for each list's items, and the shapes the render cache keeps them in.

A building lists its units, RMC/RTM companies, occupiers and cost codes; a unit its estate,
building and owners; an owner its units; an RMC its buildings: by Propman reference, which is
how Propman's records name each other. Times are ISO-8601 UTC with milliseconds.
"""

from __future__ import annotations

from typing import Any

from ..kit.clock import to_utc_z
from ..kit.rendered import Shape
from . import content
from .content import Flat, reference
from .data import KINDS, PropmanData

Json = dict[str, Any]
ADDRESS = ("line1", "line2", "town", "county", "postcode")


def _address(flat: Flat, keys: tuple[str, ...] = ADDRESS) -> Json:
    return {key: flat[key] for key in keys}


def _head(flat: Flat) -> Json:
    return {"id": flat["id"], "reference": flat["reference"]}


def _contact(flat: Flat) -> Json:
    return {
        "companyName": flat["companyName"],
        "title": flat["title"],
        "firstName": flat["firstName"],
        "surname": flat["surname"],
        "email": flat["email"],
        "phone": flat["phone"],
        "alternatePhone": flat["alternatePhone"],
    }


def _stamped(item: Json, flat: Flat) -> Json:
    item["modifiedAt"] = to_utc_z(flat["modifiedDate"])
    return item


def _refs(kind: str, slots: list[int], data: PropmanData) -> list[str]:
    table = data.tables[kind]
    return [reference(kind, slot) for slot in slots if table.alive[slot]]


def estate(data: PropmanData, slot: int) -> Json:
    flat = content.estate(data, slot)
    return _stamped({**_head(flat), "name": flat["name"]}, flat)


def building(data: PropmanData, slot: int) -> Json:
    flat = content.building(data, slot)
    units = [u for u in data.building_units[slot] if data.tables["units"].alive[u]]
    occupiers = [o for u in units if (o := content.occupier(data, u)) is not None]
    item = {
        **_head(flat),
        "name": flat["name"],
        "estateReference": flat["estateReference"],
        "address": _address(flat),
        "propertyManagerReference": flat["propertyManagerReference"],
        "units": _refs("units", units, data),
        "rmcs": _refs("rmcs", data.building_rmcs[slot], data),
        "occupiers": [
            {**{k: v for k, v in o.items() if k != "since"}, "since": to_utc_z(o["since"])[:10]}
            for o in occupiers
        ],
        "costCodes": flat["costCodes"],
    }
    return _stamped(item, flat)


def unit(data: PropmanData, slot: int) -> Json:
    flat = content.unit(data, slot)
    item = {
        **_head(flat),
        "estateReference": flat["estateReference"],
        "buildingReference": flat["buildingReference"],
        "address": _address(flat, ("flat", *ADDRESS)),
        "owners": _refs("owners", data.unit_owners[slot], data),
    }
    return _stamped(item, flat)


def agent(data: PropmanData, slot: int) -> Json:
    flat = content.agent(data, slot)
    keys = ("username", "firstName", "surname", "email", "phone")
    return _stamped({**_head(flat), **{key: flat[key] for key in keys}}, flat)


def supplier(data: PropmanData, slot: int) -> Json:
    flat = content.supplier(data, slot)
    item = {**_head(flat), **_contact(flat), "businessAddress": _address(flat)}
    return _stamped(item, flat)


def owner(data: PropmanData, slot: int) -> Json:
    flat = content.owner(data, slot)
    item = {
        **_head(flat),
        **_contact(flat),
        "correspondenceAddress": _address(flat),
        "units": _refs("units", data.owner_units[slot], data),
    }
    return _stamped(item, flat)


def rmc(data: PropmanData, slot: int) -> Json:
    flat = content.rmc(data, slot)
    item = {
        **_head(flat),
        **_contact(flat),
        "buildings": _refs("buildings", data.rmc_buildings[slot], data),
    }
    return _stamped(item, flat)


RENDER = {
    "estates": estate,
    "buildings": building,
    "units": unit,
    "agents": agent,
    "suppliers": supplier,
    "owners": owner,
    "rmcs": rmc,
}


def shapes(data: PropmanData) -> dict[str, Shape]:
    def shape(kind: str) -> Shape:
        render = RENDER[kind]
        return Shape(kind, data.tables[kind], lambda slot: render(data, slot))

    return {kind: shape(kind) for kind in KINDS}


def prerender(data: PropmanData) -> int:
    return data.rendered.prerender(shapes(data).values())
