"""A record's content, derived from the seed when it is served, in Propertyware's field names
(times as ms, as the kit keeps them; `render` writes them Propertyware's way).

US words from small fixed lists: the simulator plays an American account, and a list costs
nothing to draw from.
"""

from __future__ import annotations

import random
from typing import Any

from ..kit.clock import DAY_MS
from ..kit.seeded import record_rng
from .data import CONTACT_TYPES, PORTFOLIOS, PwData

Flat = dict[str, Any]
FIRST = ("James", "Maria", "Wei", "Aisha", "Carlos", "Emily", "Noah", "Priya", "Liam", "Sofia")
LAST = ("Garcia", "Nguyen", "Smith", "Patel", "Johnson", "Kim", "Lopez", "Brown", "Chen", "Diaz")
STREETS = ("Mission St", "Valencia St", "Oak Ave", "Elm St", "Sunset Blvd", "Pine St", "Lake Dr")
CITIES = (("San Jose", "95112"), ("Oakland", "94607"), ("Fresno", "93701"), ("Pasadena", "91101"))
TRADES = ("Plumbing", "Electrical", "HVAC", "Landscaping", "Appliance Repair", "Roofing")
PROBLEMS = ("Leaking faucet", "No hot water", "Broken window", "AC not cooling", "Clogged drain")
PRIORITIES = ("HIGH", "MEDIUM", "LOW")
# Property managers (PW users) by id; the integration user is the account the hub logs in as.
MANAGERS = ((9001, "Dana Whitfield"), (9002, "Marcus Bell"), (9003, "Rosa Alvarez"))
INTEGRATION_USER = "Repairlink Integration"
ACCOUNT_EMAIL = "integration@repairlink.example"
OTHER_STAFF = ("Front Desk", "")  # another user, or blank: a resident's request
_KIND_NO = {"buildings": 1, "units": 2, "leases": 3, "contacts": 4, "vendors": 5, "orders": 6}


def _rng(data: PwData, kind: str, slot: int) -> random.Random:
    return record_rng(data.seed, _KIND_NO[kind], slot)


def portfolio_flat(data: PwData, slot: int) -> Flat:
    name = PORTFOLIOS[slot] if slot < len(PORTFOLIOS) else f"Portfolio {slot + 1}"
    table = data.portfolios
    return table.derived(
        slot,
        {
            "name": name,
            "abbreviation": name[:3].upper(),
            "active": bool(table.code("active", slot)),
        },
    )


def building_flat(data: PwData, slot: int) -> Flat:
    rng, table = _rng(data, "buildings", slot), data.buildings
    city, zip_code = rng.choice(CITIES)
    street = f"{rng.randint(10, 4999)} {rng.choice(STREETS)}"
    manager_id, manager_name = MANAGERS[slot % len(MANAGERS)]
    return table.derived(
        slot,
        {
            "name": street,
            "abbreviation": f"B{slot}",
            "portfolioID": data.portfolio_id(table.code("portfolio", slot)),
            "active": bool(table.code("active", slot)),
            "propertyType": rng.choice(("HOUSE", "APARTMENT", "CONDO")),
            "address": street,
            "city": city,
            "stateRegion": "CA",
            "postalCode": zip_code,
            "managerID": manager_id,
            "managerName": manager_name,
        },
    )


def unit_flat(data: PwData, slot: int) -> Flat:
    table, building_slot = data.units, data.unit_building[slot]
    building = building_flat(data, building_slot)
    lease = data.unit_lease[slot] if slot < len(data.unit_lease) else -1
    return table.derived(
        slot,
        {
            "name": f"Unit {slot + 1}",
            "abbreviation": f"U{slot}",
            "buildingID": building["id"],
            "portfolioID": building["portfolioID"],
            "active": bool(table.code("active", slot)),
            "status": "vacant" if lease < 0 else "occupied",
            "leaseID": None if lease < 0 else data.leases.id_of(lease),
            "address": building["address"],
            "city": building["city"],
            "stateRegion": building["stateRegion"],
            "postalCode": building["postalCode"],
            "propertyManagerID": building["managerID"],
        },
    )


def lease_flat(data: PwData, slot: int) -> Flat:
    rng, table = _rng(data, "leases", slot), data.leases
    active = bool(table.code("active", slot))
    start = table.created[slot]
    end = start + 365 * DAY_MS
    unit = unit_flat(data, data.lease_unit[slot])
    return table.derived(
        slot,
        {
            "unitID": unit["id"],
            "buildingID": unit["buildingID"],
            "portfolioID": unit["portfolioID"],
            "active": active,
            "status": "Active" if active else "Terminated",
            "startDate": start,
            "endDate": end,
            "moveInDate": start + rng.randint(0, 5) * DAY_MS,
            "moveOutDate": None if active else end,
            "rent": float(rng.randrange(1400, 4200, 50)),
            "contactIDs": [data.contacts.id_of(c) for c in data.lease_contact_slots(slot)],
        },
    )


def contact_flat(data: PwData, slot: int) -> Flat:
    rng, table = _rng(data, "contacts", slot), data.contacts
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return table.derived(
        slot,
        {
            "firstName": first,
            "lastName": last,
            "email": f"{first}.{last}{slot}@example.com".lower(),
            "mobilePhone": f"(415) 555-{rng.randint(0, 9999):04d}",
            "homePhone": None,
            "type": CONTACT_TYPES[table.code("type", slot)],
            "companyName": None,
        },
    )


def vendor_flat(data: PwData, slot: int) -> Flat:
    rng, table = _rng(data, "vendors", slot), data.vendors
    trade = rng.choice(TRADES)
    company = f"{rng.choice(LAST)} {trade}"
    return table.derived(
        slot,
        {
            "name": company,
            "companyName": company,
            "email": f"office{slot}@{company.split()[0].lower()}-{trade[:4].lower()}.example",
            "phone": f"(510) 555-{rng.randint(0, 9999):04d}",
            "active": bool(table.code("active", slot)),
            "type": trade,
            "accountNumber": f"V-{slot:05d}",
        },
    )


def order_flat(data: PwData, slot: int) -> Flat:
    rng, table = _rng(data, "orders", slot), data.workorders
    unit = unit_flat(data, data.order_unit[slot])
    lease = data.unit_lease[data.order_unit[slot]]
    managed = bool(table.code("managed", slot))
    return table.derived(
        slot,
        {
            "number": 1000 + slot,
            "status": "Closed" if table.code("closed", slot) else "Open",
            "type": "service request",
            "priority": rng.choice(PRIORITIES),
            "source": rng.choice(("Tenant Portal", "Telephone", "Email")),
            "category": rng.choice(TRADES),
            "description": rng.choice(PROBLEMS),
            "buildingID": unit["buildingID"],
            "unitID": unit["id"],
            "portfolioID": unit["portfolioID"],
            "leaseID": None if lease < 0 else data.leases.id_of(lease),
            "managedBy": INTEGRATION_USER if managed else rng.choice(OTHER_STAFF),
            "ownerEmail": ACCOUNT_EMAIL if table.code("ours", slot) else "owner@elsewhere.example",
            "requestedBy": None if lease < 0 else "Tenant",
            "requestedByContactID": _first_tenant(data, lease),
            "completedDate": None,
            "comments": None,
        },
    )


def _first_tenant(data: PwData, lease: int) -> int | None:
    """The resident who asked, when the unit is leased: the lease's primary contact."""
    if lease < 0 or not data.lease_contacts[lease]:
        return None
    return data.contacts.id_of(data.lease_first_contact[lease])
