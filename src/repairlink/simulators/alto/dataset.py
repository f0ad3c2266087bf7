"""The agency's data skeleton: who owns, lets and rents what, and every fact a filter reads.

Built eagerly from the seed in one pass (about a second per 100k units). Everything that
decides whether the hub syncs a record (record type, management, maintenance, status,
archived, tenancy status, role, email present, trade) is decided here, so the
filter-breaking records are counted and placed on purpose; text is left to `content`.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field

from ..kit.clock import ANCHOR_MS, DAY_MS, generated_times
from ..kit.rendered import RenderCache
from ..kit.seeded import pick
from ..kit.table import Table
from . import vocab
from .pools import Pools, build_pools

# The inventory fields lists filter on, kept as codes: those with a vocabulary, and archived.
CODE_VOCAB = {
    "recordType": vocab.RECORD_TYPES,
    "category": vocab.CATEGORIES,
    "managementType": vocab.MANAGEMENT_TYPES,
    "maintenanceType": vocab.MAINTENANCE_TYPES,
    "status": vocab.INVENTORY_STATUSES,
}
INVENTORY_CODES = (*CODE_VOCAB, "archived")
TENANCY_CODES = ("status",)
CONTACT_CODES = ("role", "archived", "noEmail", "trade")


@dataclass
class AltoData:
    seed: int
    pools: Pools
    inventory: Table
    tenancies: Table
    contacts: Table
    # Relations, one entry per slot: a tenancy's property and tenants (a run of contact
    # slots), a contact's tenancy (-1 when not a tenant).
    tenancy_property: array[int] = field(default_factory=lambda: array("q"))
    tenancy_first_tenant: array[int] = field(default_factory=lambda: array("q"))
    tenancy_tenant_count: bytearray = field(default_factory=bytearray)
    contact_tenancy: array[int] = field(default_factory=lambda: array("q"))
    # Landlord contact slots [first, first + owning) own properties; property p belongs to
    # the landlord `p % owning`, which needs no table. Potential landlords come after them.
    landlord_first: int = 0
    landlord_owning: int = 1
    churns: int = 0
    # List items as served (see `served`); emptied on any change.
    rendered: RenderCache = field(init=False)

    def __post_init__(self) -> None:
        self.rendered = RenderCache(self.version)

    def version(self) -> int:
        """Moves on with every change to any record: each table counts its own changes."""
        return self.inventory.version + self.tenancies.version + self.contacts.version

    def owner_slot(self, property_slot: int) -> int:
        return self.landlord_first + property_slot % self.landlord_owning

    def owned_property_slots(self, landlord_slot: int) -> list[int]:
        local = landlord_slot - self.landlord_first
        if not 0 <= local < self.landlord_owning:
            return []
        inventory = self.inventory
        return [p for p in range(local, len(inventory), self.landlord_owning) if inventory.alive[p]]


def _code(values: tuple[str, ...], name: str) -> int:
    return values.index(name)


RENT_MANAGEMENT = (
    ("Managed", 0.55), ("PartManaged", 0.15), ("FullyManaged", 0.04), ("LetOnly", 0.13),
    ("RentCollectionService", 0.06), ("NotManaged", 0.05), ("Unspecified", 0.02),
)  # fmt: skip
RENT_MAINTENANCE = (("MaintainedByUs", 0.8), ("MaintainedByLandlord", 0.15), ("Unspecified", 0.05))
RENT_STATUSES = (
    ("Let", 0.4), ("LetAgreed", 0.06), ("LetMarketing", 0.06), ("Available", 0.07),
    ("Instructed", 0.05), ("NotInstructed", 0.03), ("ExternallyLet", 0.03),
    ("UnderOffer", 0.03), ("UnderOfferMarketing", 0.02), ("UnderOfferAvailable", 0.02),
    ("Reserved", 0.02), ("Suspended", 0.03), ("Withdrawn", 0.04), ("Archived", 0.04),
    ("Completed", 0.02), ("Unspecified", 0.02), ("Appraisal", 0.03),
)  # fmt: skip
SALE_STATUSES = (
    ("Available", 0.3), ("UnderOffer", 0.15), ("Exchanged", 0.1), ("Completed", 0.1),
    ("ExternallySold", 0.08), ("Instructed", 0.1), ("Withdrawn", 0.07), ("Appraisal", 0.1),
)  # fmt: skip
# 1.5 tenants a tenancy on average, about 1.5 occupiers a unit.
TENANT_COUNTS = (1, 2, 3, 4)
TENANT_COUNT_WEIGHTS = (0.6, 0.32, 0.06, 0.02)

# The first few properties each break exactly one AL-02 rule, so even a tiny data set
# has one of each for the hub to skip. Property 7 onwards follows the weights above.
SHOWCASE_PROPERTIES: tuple[dict[str, str | int], ...] = (
    {"recordType": "Sale", "managementType": "Unspecified", "maintenanceType": "Unspecified"},
    {"managementType": "NotManaged"},
    {"managementType": "LetOnly"},
    {"maintenanceType": "MaintainedByLandlord"},
    {"category": "Commercial"},
    {"status": "Appraisal"},
    {"archived": 1},
)
SHOWCASE_DEFAULTS: dict[str, str | int] = {
    "recordType": "Rent",
    "category": "Residential",
    "managementType": "Managed",
    "maintenanceType": "MaintainedByUs",
    "status": "Let",
    "archived": 0,
}


def _property_codes(rng: random.Random, slot: int) -> dict[str, int]:
    if slot < len(SHOWCASE_PROPERTIES):
        chosen = {**SHOWCASE_DEFAULTS, **SHOWCASE_PROPERTIES[slot]}
        return {
            name: value if isinstance(value, int) else _code(CODE_VOCAB[name], value)
            for name, value in chosen.items()
        }
    commercial = rng.random() < 0.12
    category = _code(vocab.CATEGORIES, "Commercial" if commercial else "Residential")
    if rng.random() < 0.18:
        record, management, maintenance = "Sale", 0, 0
        status = pick(rng, SALE_STATUSES, vocab.INVENTORY_STATUSES)
    else:
        record = "Rent"
        management = pick(rng, RENT_MANAGEMENT, vocab.MANAGEMENT_TYPES)
        maintenance = pick(rng, RENT_MAINTENANCE, vocab.MAINTENANCE_TYPES)
        status = pick(rng, RENT_STATUSES, vocab.INVENTORY_STATUSES)
    archived = vocab.INVENTORY_STATUSES[status] == "Archived" or rng.random() < 0.02
    return {
        "recordType": _code(vocab.RECORD_TYPES, record),
        "category": category,
        "managementType": management,
        "maintenanceType": maintenance,
        "status": status,
        "archived": int(archived),
    }


def build(seed: int, units: int) -> AltoData:
    rng = random.Random(seed)
    data = AltoData(
        seed=seed,
        pools=build_pools(seed),
        inventory=Table("inventory", 10_000_000, INVENTORY_CODES),
        tenancies=Table("tenancies", 20_000_000, TENANCY_CODES),
        contacts=Table("contacts", 30_000_000, CONTACT_CODES),
    )
    rent = _code(vocab.RECORD_TYPES, "Rent")
    for slot in range(units):
        codes = _property_codes(rng, slot)
        created, modified = generated_times(rng)
        data.inventory.append(created, modified, **codes)
        if codes["recordType"] == rent:
            _add_tenancies(data, rng, slot, created)
    _add_people(data, rng, units)
    for table in (data.inventory, data.tenancies, data.contacts):
        table.reindex()
    return data


def _add_tenancies(data: AltoData, rng: random.Random, property_slot: int, since: int) -> None:
    statuses = []
    if rng.random() < 0.35:
        statuses.append("Inactive")
    if rng.random() < 0.9:
        statuses.append("Active" if rng.random() < 0.75 else "Periodic")
    for status in statuses:
        created, modified = generated_times(rng, oldest_days=max((ANCHOR_MS - since) // DAY_MS, 31))
        tenancy = data.tenancies.append(
            created, modified, status=_code(vocab.TENANCY_STATUSES, status)
        )
        count = rng.choices(TENANT_COUNTS, TENANT_COUNT_WEIGHTS)[0]
        data.tenancy_property.append(property_slot)
        data.tenancy_first_tenant.append(len(data.contacts))
        data.tenancy_tenant_count.append(count)
        for _ in range(count):
            _add_contact(data, rng, vocab.ROLE_TENANT, tenancy, created)


def _add_contact(
    data: AltoData, rng: random.Random, role: int, tenancy: int, since: int | None = None
) -> int:
    created, modified = generated_times(rng)
    if since is not None:
        created = max(since - rng.randint(0, 30) * DAY_MS, ANCHOR_MS - 7 * 365 * DAY_MS)
        modified = max(modified, created)
    no_email = rng.random() < {vocab.ROLE_SUPPLIER: 0.05}.get(role, 0.08)
    archived = rng.random() < (0.03 if role == vocab.ROLE_TENANT else 0.05)
    trade = 0
    if role == vocab.ROLE_SUPPLIER:
        listed = rng.random() < 0.8
        trade = (
            rng.randrange(len(vocab.LISTED_TRADES))
            if listed
            else len(vocab.LISTED_TRADES) + rng.randrange(len(vocab.OTHER_TRADES))
        )
    data.contact_tenancy.append(tenancy)
    return data.contacts.append(
        created, modified, role=role, archived=int(archived), noEmail=int(no_email), trade=trade
    )


def _add_people(data: AltoData, rng: random.Random, units: int) -> None:
    contacts = data.contacts
    # Two tenants of every size of data set break AL-04/AL-08 for certain.
    tenants = len(contacts)
    for slot, code in ((0, "noEmail"), (1, "archived")):
        if slot < tenants:
            contacts.codes[code][slot] = 1
    landlords = max(8, round(units * 0.25))
    potential = max(1, round(landlords * 0.08))
    data.landlord_first = len(contacts)
    data.landlord_owning = landlords - potential
    for index in range(landlords):
        role = (
            vocab.ROLE_LANDLORD if index < data.landlord_owning else vocab.ROLE_POTENTIAL_LANDLORD
        )
        slot = _add_contact(data, rng, role, -1)
        # Landlord 0 has no email and landlord 1 is archived (AL-06, AL-08).
        if index < 2:
            contacts.codes["noEmail" if index == 0 else "archived"][slot] = 1
            contacts.codes["archived" if index == 0 else "noEmail"][slot] = 0
    for index in range(max(10, round(units * 0.02))):
        slot = _add_contact(data, rng, vocab.ROLE_SUPPLIER, -1)
        # Supplier 0 is archived, 1 has an unlisted trade, 2 has no email (AL-07, AL-08).
        if index == 0:
            contacts.codes["archived"][slot] = 1
        elif index == 1:
            contacts.codes["trade"][slot] = len(vocab.LISTED_TRADES)
            contacts.codes["archived"][slot] = 0
        elif index == 2:
            contacts.codes["noEmail"][slot] = 1
            contacts.codes["archived"][slot] = 0
