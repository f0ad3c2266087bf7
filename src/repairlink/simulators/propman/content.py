"""A record's content, derived from the seed when it is asked for (`kit.seeded`): a flat dict in
the simulator's own field names, which the admin API edits (as overrides) and `served` turns
into Propman's JSON. References are Propman's: EST0001, BLK00001, U000001, OWN000001..."""

from __future__ import annotations

import random
from typing import Any

from ..kit.clock import ANCHOR_MS, DAY_MS
from ..kit.seeded import record_rng
from .data import KINDS, PropmanData

Flat = dict[str, Any]
PREFIX = {
    "estates": ("EST", 4),
    "buildings": ("BLK", 5),
    "units": ("U", 6),
    "agents": ("AG", 3),
    "suppliers": ("SUP", 4),
    "owners": ("OWN", 6),
    "rmcs": ("RMC", 4),
}
# Service-charge heads a building's budget is split into (cost codes, research §5)
COST_HEADS = (
    ("CLN", "Communal cleaning"),
    ("LFT", "Lift maintenance"),
    ("RFG", "Roof and gutters"),
    ("GDN", "Gardens and grounds"),
    ("FIR", "Fire safety"),
    ("ELE", "Communal electrics"),
    ("RES", "Reserve fund"),
)
BUILDING_WORDS = ("House", "Court", "Mansions", "Lodge", "Point", "Heights", "Place")
DOMAIN = "propman-agency.co.uk"


def reference(kind: str, slot: int) -> str:
    prefix, width = PREFIX[kind]
    return f"{prefix}{slot + 1:0{width}d}"


def _rng(data: PropmanData, kind: str, slot: int) -> random.Random:
    return record_rng(data.seed, KINDS.index(kind) + 1, slot)


def _phone(rng: random.Random, data: PropmanData) -> str:
    return rng.choice(data.pools["phones"])


def _address(rng: random.Random, data: PropmanData) -> Flat:
    pools = data.pools
    return {
        "line1": f"{rng.randint(1, 240)} {rng.choice(pools['streets'])}",
        "line2": "",
        "town": rng.choice(pools["towns"]),
        "county": rng.choice(pools["counties"]),
        "postcode": rng.choice(pools["postcodes"]),
    }


def _person(rng: random.Random, data: PropmanData, company_chance: float) -> Flat:
    first, surname = rng.choice(data.pools["first_names"]), rng.choice(data.pools["surnames"])
    company = rng.choice(data.pools["companies"]) if rng.random() < company_chance else ""
    return {
        "title": rng.choice(("Mr", "Mrs", "Ms", "Dr", "")),
        "firstName": first,
        "surname": surname,
        "companyName": company,
        "email": f"{first}.{surname}{rng.randint(1, 99)}@example.co.uk".lower().replace(" ", ""),
        "phone": _phone(rng, data),
        "alternatePhone": _phone(rng, data) if rng.random() < 0.5 else "",
    }


def estate(data: PropmanData, slot: int) -> Flat:
    rng = _rng(data, "estates", slot)
    name = f"{rng.choice(data.pools['surnames'])} {rng.choice(('Park', 'Gardens', 'Quarter'))}"
    return data.tables["estates"].derived(
        slot, {"reference": reference("estates", slot), "name": f"{name} Estate"}
    )


def building(data: PropmanData, slot: int) -> Flat:
    rng = _rng(data, "buildings", slot)
    name = f"{rng.choice(data.pools['surnames'])} {rng.choice(BUILDING_WORDS)}"
    heads = [COST_HEADS[0], *rng.sample(COST_HEADS[1:], 2)]
    return data.tables["buildings"].derived(
        slot,
        {
            "reference": reference("buildings", slot),
            "name": name,
            "estateReference": reference("estates", data.building_estate[slot]),
            "propertyManagerReference": reference("agents", data.building_agent[slot]),
            **_address(rng, data),
            "costCodes": [
                {"code": f"{code}{slot % 100:02d}", "description": text} for code, text in heads
            ],
        },
    )


def unit(data: PropmanData, slot: int) -> Flat:
    parent = data.unit_building[slot]
    home = building(data, parent)
    return data.tables["units"].derived(
        slot,
        {
            "reference": reference("units", slot),
            "estateReference": home["estateReference"],
            "buildingReference": home["reference"],
            "flat": f"Flat {data.unit_number[slot]}",
            **{key: home[key] for key in ("line1", "line2", "town", "county", "postcode")},
        },
    )


def occupier(data: PropmanData, unit_slot: int) -> Flat | None:
    """The occupier of a unit (about two in three have one), listed with its building."""
    rng = random.Random(data.seed * 7_919 + unit_slot)
    if rng.random() > 0.66:
        return None
    since = ANCHOR_MS - rng.randint(30, 3_000) * DAY_MS
    return {
        "reference": f"OCC{unit_slot + 1:06d}",
        **_person(rng, data, 0.0),
        "unitReference": reference("units", unit_slot),
        "since": since,
    }


def agent(data: PropmanData, slot: int) -> Flat:
    rng = _rng(data, "agents", slot)
    first, surname = rng.choice(data.pools["first_names"]), rng.choice(data.pools["surnames"])
    username = f"{first[0]}{surname}{slot + 1}".lower().replace(" ", "").replace("'", "")
    return data.tables["agents"].derived(
        slot,
        {
            "reference": reference("agents", slot),
            "username": username,
            "firstName": first,
            "surname": surname,
            "email": f"{username}@{DOMAIN}",
            "phone": _phone(rng, data),
        },
    )


def supplier(data: PropmanData, slot: int) -> Flat:
    rng = _rng(data, "suppliers", slot)
    person = _person(rng, data, 1.0)
    company = person["companyName"]
    person["email"] = f"accounts{slot + 1}@{company.split()[0].lower().strip(',')}.example"
    return data.tables["suppliers"].derived(
        slot, {"reference": reference("suppliers", slot), **person, **_address(rng, data)}
    )


def owner(data: PropmanData, slot: int) -> Flat:
    rng = _rng(data, "owners", slot)
    return data.tables["owners"].derived(
        slot,
        {"reference": reference("owners", slot), **_person(rng, data, 0.15), **_address(rng, data)},
    )


def rmc(data: PropmanData, slot: int) -> Flat:
    rng = _rng(data, "rmcs", slot)
    person = _person(rng, data, 0.0)
    kind = "RTM Company" if rng.random() < 0.3 else "Management Company"
    person["companyName"] = f"{rng.choice(data.pools['surnames'])} {kind} Ltd"
    return data.tables["rmcs"].derived(slot, {"reference": reference("rmcs", slot), **person})


FLAT = {
    "estates": estate,
    "buildings": building,
    "units": unit,
    "agents": agent,
    "suppliers": supplier,
    "owners": owner,
    "rmcs": rmc,
}
