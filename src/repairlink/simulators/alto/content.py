"""A record's full content, derived from the seed when it is served (`kit.seeded`).

The result is a flat dict in the simulator's own field names (the `Flat` record); `render`
turns it into Alto's JSON shapes, and admin edits are overrides on it.
"""

from __future__ import annotations

import random
from typing import Any

from ..kit.clock import DAY_MS
from ..kit.seeded import guid, record_rng
from . import vocab
from .dataset import CODE_VOCAB, AltoData

Flat = dict[str, Any]

_KIND_NO = {"inventory": 1, "tenancies": 2, "contacts": 3}


def _rng(data: AltoData, kind: str, slot: int) -> random.Random:
    return record_rng(data.seed, _KIND_NO[kind], slot)


def _address(data: AltoData, rng: random.Random, flat_chance: float) -> Flat:
    pools = data.pools
    in_block = rng.random() < flat_chance
    return {
        "subDwelling": f"{rng.choice(('Flat', 'Flat', 'Apartment', 'Room'))} {rng.randint(1, 40)}"
        if in_block
        else None,
        "nameNo": str(rng.randint(1, 240)),
        "street": rng.choice(pools.streets),
        "locality": rng.choice(pools.localities) if rng.random() < 0.3 else None,
        "town": rng.choice(pools.towns),
        "county": rng.choice(pools.counties),
        "postcode": rng.choice(pools.postcodes),
    }


def property_flat(data: AltoData, slot: int) -> Flat:
    table = data.inventory
    rng = _rng(data, "inventory", slot)
    codes = {name: values[table.code(name, slot)] for name, values in CODE_VOCAB.items()}
    commercial = codes["category"] == "Commercial"
    return table.derived(
        slot,
        {
            "oid": guid(rng),
            "branchId": rng.choice(vocab.BRANCH_IDS),
            **codes,
            "archived": bool(table.code("archived", slot)),
            **_address(data, rng, flat_chance=0.2 if commercial else 0.45),
            "propertyType": rng.choice(
                vocab.COMMERCIAL_TYPES if commercial else vocab.PROPERTY_TYPES
            ),
            "bedrooms": 0 if commercial else rng.randint(1, 5),
            "price": float(rng.randrange(650, 3500, 25))
            if codes["recordType"] == "Rent"
            else float(rng.randrange(120_000, 900_000, 5000)),
            "uprn": str(rng.randrange(10**11, 10**12)),
            "ownerId": data.contacts.id_of(data.owner_slot(slot)),
        },
    )


ADDRESS_KEYS = ("subDwelling", "nameNo", "street", "locality", "town", "county", "postcode")


def property_address(data: AltoData, slot: int) -> Flat:
    """Just a property's address (a tenant's address is the property they rent).

    Draws from the property's own generator in the same order as `property_flat`, so both
    agree, at a third of the cost.
    """
    table = data.inventory
    rng = _rng(data, "inventory", slot)
    guid(rng)
    rng.choice(vocab.BRANCH_IDS)
    commercial = vocab.CATEGORIES[table.code("category", slot)] == "Commercial"
    address = _address(data, rng, flat_chance=0.2 if commercial else 0.45)
    overrides = table.overrides.get(slot)
    if overrides:
        address.update({key: overrides[key] for key in ADDRESS_KEYS if key in overrides})
    return address


def property_place(data: AltoData, slot: int) -> Flat:
    """A property as a landlord's list names it: its id and address."""
    return {"id": data.inventory.id_of(slot), **property_address(data, slot)}


def tenants_of(data: AltoData, tenancy: Flat) -> list[Flat]:
    """The tenants of a tenancy that still exist."""
    contacts = data.contacts
    found = []
    for tenant_id in tenancy["tenantIds"]:
        slot = contacts.slot_of(tenant_id)
        if slot is not None:
            found.append(contact_flat(data, slot))
    return found


def tenancy_flat(data: AltoData, slot: int) -> Flat:
    table = data.tenancies
    rng = _rng(data, "tenancies", slot)
    status = vocab.TENANCY_STATUSES[table.code("status", slot)]
    start = table.created[slot] + rng.randint(1, 20) * DAY_MS
    end = start + rng.choice((6, 12, 12, 24)) * 30 * DAY_MS
    first = data.tenancy_first_tenant[slot]
    tenants = [data.contacts.id_of(first + n) for n in range(data.tenancy_tenant_count[slot])]
    return table.derived(
        slot,
        {
            "branchId": int(rng.choice(vocab.BRANCH_IDS)),
            "propertyId": data.inventory.id_of(data.tenancy_property[slot]),
            "status": status,
            "rent": float(rng.randrange(650, 3500, 25)),
            "rentalFrequency": rng.choice(vocab.RENTAL_FREQUENCIES[:3]),
            "startDate": start,
            # Periodic tenancies have rolled past their fixed term; inactive ones have ended.
            "endDate": None if status == "Periodic" else end,
            "tenantIds": tenants,
        },
    )


def _person(data: AltoData, rng: random.Random, slot: int) -> Flat:
    pools = data.pools
    female = rng.random() < 0.5
    title = rng.choice(("Mrs", "Ms", "Miss", "Dr") if female else ("Mr", "Mr", "Dr", "Mx"))
    forename = rng.choice(pools.female_names if female else pools.male_names)
    surname = rng.choice(pools.surnames)
    domain = rng.choice(pools.email_domains)
    # The slot in the address keeps emails unique, so AL-09 never merges two generated people.
    email = f"{forename}.{surname}{slot}@{domain}".lower().replace(" ", "").replace("'", "")
    return {
        "title": title,
        "forename": forename,
        "surname": surname,
        "email": None if data.contacts.code("noEmail", slot) else email,
        "mobile": rng.choice(pools.mobiles),
        "landline": rng.choice(pools.landlines) if rng.random() < 0.5 else None,
    }


def contact_flat(data: AltoData, slot: int) -> Flat:
    table = data.contacts
    rng = _rng(data, "contacts", slot)
    role = table.code("role", slot)
    person = _person(data, rng, slot)
    tenancy = data.contact_tenancy[slot] if slot < len(data.contact_tenancy) else -1
    if role == vocab.ROLE_TENANT and tenancy >= 0:
        address = property_address(data, data.tenancy_property[tenancy])
    else:
        address = _address(data, rng, flat_chance=0.3)
    company_chance = {vocab.ROLE_SUPPLIER: 1.0, vocab.ROLE_TENANT: 0.04}.get(role, 0.2)
    services: list[str] = []
    if role == vocab.ROLE_SUPPLIER:
        trade = vocab.TRADES[table.code("trade", slot)]
        services = [trade]
        if trade in vocab.LISTED_TRADES and rng.random() < 0.15:
            services.append(rng.choice([t for t in vocab.LISTED_TRADES if t != trade]))
    return table.derived(
        slot,
        {
            "oid": guid(rng),
            "role": vocab.ROLE_NAMES[role],
            "userType": vocab.USER_TYPES[role],
            "branchId": rng.choice(vocab.BRANCH_IDS),
            **person,
            "companyName": rng.choice(data.pools.companies)
            if rng.random() < company_chance
            else None,
            **address,
            "archived": bool(table.code("archived", slot)),
            "services": services,
            "notes": None,
        },
    )
