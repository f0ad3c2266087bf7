"""A Propertyware account's data skeleton, built from the seed: portfolios, buildings, units,
leases with their tenants, owners, vendors and work orders, and every fact a filter reads.

Two portfolios: most buildings sit in the first, a tenth in the second (an agency syncs one,
PW-01). Each building holds one or two units. A unit is leased or vacant; a lease is active
or ended (PW-02 imports only residents of active leases). Work orders are managed by the
integration user or by someone else, and owned by the integration account or not (PW-04);
the first four break exactly one rule each, so even a tiny data set has one of each.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field

from ..kit.clock import generated_times
from ..kit.rendered import RenderCache
from ..kit.table import Table

CONTACT_TYPES = ("TENANT", "PROSPECT", "OWNER", "VENDOR", "OTHER")
TENANT, OWNER = CONTACT_TYPES.index("TENANT"), CONTACT_TYPES.index("OWNER")
PORTFOLIOS = ("Bay Area Homes", "Valley Commercial")
# Work orders 0-3: synced; blank "Managed By" (a resident's); another account's; portfolio 2.
SHOWCASE_ORDERS = (
    {"managed": 1, "ours": 1, "portfolio": 0},
    {"managed": 0, "ours": 1, "portfolio": 0},
    {"managed": 1, "ours": 0, "portfolio": 0},
    {"managed": 1, "ours": 1, "portfolio": 1},
)


@dataclass
class PwData:
    seed: int
    portfolios: Table
    buildings: Table
    units: Table
    leases: Table
    contacts: Table
    vendors: Table
    workorders: Table
    unit_building: array[int] = field(default_factory=lambda: array("q"))
    lease_unit: array[int] = field(default_factory=lambda: array("q"))
    lease_first_contact: array[int] = field(default_factory=lambda: array("q"))
    lease_contacts: bytearray = field(default_factory=bytearray)
    unit_lease: array[int] = field(default_factory=lambda: array("q"))  # -1: vacant
    order_unit: array[int] = field(default_factory=lambda: array("q"))
    rendered: RenderCache = field(init=False)

    def __post_init__(self) -> None:
        self.rendered = RenderCache(self.version)

    @property
    def tables(self) -> tuple[Table, ...]:
        return (
            self.portfolios,
            self.buildings,
            self.units,
            self.leases,
            self.contacts,
            self.vendors,
            self.workorders,
        )

    def version(self) -> int:
        """Moves on with any change: a building's address shows in its units, a tenant's name
        in their lease."""
        return sum(table.version for table in self.tables)

    def portfolio_id(self, code: int) -> int:
        return self.portfolios.id_of(code)

    def lease_contact_slots(self, lease_slot: int) -> range:
        first = self.lease_first_contact[lease_slot]
        return range(first, first + self.lease_contacts[lease_slot])


@dataclass(frozen=True)
class Mix:
    """How full the account is: the share of units leased, and residents per lease (one or
    two each). The defaults are the account the tests know; a benchmark asks for its own."""

    leased: float = 0.85
    residents_per_lease: float = 1.4

    @property
    def one_resident(self) -> float:
        # rounded: 2 - 1.4 is 0.6000000000000001, and the tests' data must stay the same
        return round(2 - self.residents_per_lease, 9)


def build(seed: int, units: int, mix: Mix = Mix()) -> PwData:
    rng = random.Random(seed)
    data = PwData(
        seed=seed,
        portfolios=Table("portfolios", 1, ("active",)),
        buildings=Table("buildings", 2_000_000, ("portfolio", "active")),
        units=Table("units", 3_000_000, ("portfolio", "active")),
        leases=Table("leases", 4_000_000, ("active",)),
        contacts=Table("contacts", 5_000_000, ("type",)),
        vendors=Table("vendors", 6_000_000, ("active",)),
        workorders=Table("workorders", 7_000_000, ("portfolio", "managed", "ours", "closed")),
    )
    for _ in PORTFOLIOS:
        data.portfolios.append(*generated_times(rng), active=1)
    building = -1
    for slot in range(units):
        if slot % 2 == 0 or rng.random() < 0.4:  # one or two units a building
            portfolio = int(slot == 4 or (slot > 4 and rng.random() < 0.1))
            building = data.buildings.append(*generated_times(rng), portfolio=portfolio, active=1)
        portfolio = data.buildings.code("portfolio", building)
        data.unit_building.append(building)
        # unit 2 is deactivated in Propertyware; others now and then
        active = 0 if slot == 2 or rng.random() < 0.03 else 1
        data.units.append(*generated_times(rng), portfolio=portfolio, active=active)
        leased = rng.random() < mix.leased
        data.unit_lease.append(_add_lease(data, rng, slot, mix) if leased else -1)
    for _ in range(max(4, units // 10)):
        data.contacts.append(*generated_times(rng), type=OWNER)
    for index in range(max(10, units // 20)):
        data.vendors.append(*generated_times(rng), active=int(index != 0))
    _add_orders(data, rng, units)
    for table in data.tables:
        table.reindex()
    return data


def _add_lease(data: PwData, rng: random.Random, unit_slot: int, mix: Mix) -> int:
    # the first lease is active for certain, the second ended (PW-02 has one of each)
    lease_no = len(data.leases)
    active = {0: 1, 1: 0}.get(lease_no, int(rng.random() < 0.8))
    lease = data.leases.append(*generated_times(rng), active=active)
    data.lease_unit.append(unit_slot)
    data.lease_first_contact.append(len(data.contacts))
    count = 1 if rng.random() < mix.one_resident else 2
    data.lease_contacts.append(count)
    for _ in range(count):
        data.contacts.append(*generated_times(rng), type=TENANT)
    return lease


def _add_orders(data: PwData, rng: random.Random, units: int) -> None:
    in_portfolio = {
        code: [u for u in range(units) if data.units.code("portfolio", u) == code]
        for code in (0, 1)
    }
    for index in range(max(len(SHOWCASE_ORDERS), units // 5)):
        if index < len(SHOWCASE_ORDERS):
            codes = dict(SHOWCASE_ORDERS[index])
        else:
            portfolio = 0 if rng.random() < 0.9 or not in_portfolio[1] else 1
            codes = {
                "managed": int(rng.random() < 0.5),
                "ours": int(rng.random() < 0.9),
                "portfolio": portfolio,
            }
        choices = in_portfolio[codes["portfolio"]] or in_portfolio[0]
        unit = choices[index % len(choices)] if index < 4 else rng.choice(choices)
        codes["portfolio"] = data.units.code("portfolio", unit)
        data.workorders.append(*generated_times(rng, oldest_days=120), **codes)
        data.order_unit.append(unit)
