"""A block manager's portfolio, built from the seed: estates of buildings, buildings of units,
each building managed by an agent and run by an RMC/RTM company, each unit with its owners
(leaseholders), and the suppliers the agent instructs (research §5: Estate -> Block -> Unit).

Only what lists sort on (times) lives in the kit's tables; the relations are small arrays and
lists, and every name, address and phone is derived from the record's own seed when asked for
(`content`). About 100k units take a second or two and tens of megabytes.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field

from ..kit.clock import generated_times
from ..kit.pools import Plan, draw
from ..kit.rendered import RenderCache
from ..kit.table import Table

KINDS = ("estates", "buildings", "units", "agents", "suppliers", "owners", "rmcs")
ID_BASE = {kind: (number + 1) * 1_000_000 for number, kind in enumerate(KINDS)}
PLAN: Plan = (
    ("first_names", "first_name", 400),
    ("surnames", "last_name", 500),
    ("streets", "street_name", 1500),
    ("towns", "city", 400),
    ("counties", "county", 120),
    ("postcodes", "postcode", 3000),
    ("companies", "company", 800),
    ("phones", "phone_number", 1500),
)


@dataclass(frozen=True)
class Sizes:
    """How many of each a portfolio of `units` holds: about 2k estates, 10k buildings, 90k
    owners, 5k RMCs, 3k suppliers and 300 agents for 100k units; a few of each at least, so
    that a small portfolio still pages."""

    units: int

    @property
    def buildings(self) -> int:
        return max(12, self.units // 10)

    @property
    def estates(self) -> int:
        return max(8, self.buildings // 5)

    @property
    def owners(self) -> int:
        return max(2, self.units * 9 // 10)

    @property
    def rmcs(self) -> int:
        return max(8, self.buildings // 2)

    @property
    def suppliers(self) -> int:
        return max(10, self.units * 3 // 100)

    @property
    def agents(self) -> int:
        return max(8, self.units * 3 // 1000)


@dataclass
class PropmanData:
    seed: int
    pools: dict[str, tuple[str, ...]]
    tables: dict[str, Table]
    # relations, by slot
    building_estate: array[int] = field(default_factory=lambda: array("q"))
    building_agent: array[int] = field(default_factory=lambda: array("q"))
    building_rmcs: list[list[int]] = field(default_factory=list)
    building_units: list[list[int]] = field(default_factory=list)
    unit_building: array[int] = field(default_factory=lambda: array("q"))
    unit_number: array[int] = field(default_factory=lambda: array("q"))  # flat number
    unit_owners: list[list[int]] = field(default_factory=list)
    owner_units: list[list[int]] = field(default_factory=list)
    rmc_buildings: list[list[int]] = field(default_factory=list)
    rendered: RenderCache = field(init=False)

    def __post_init__(self) -> None:
        self.rendered = RenderCache(self.version)

    def version(self) -> int:
        return sum(table.version for table in self.tables.values())

    def table(self, kind: str) -> Table:
        return self.tables[kind]

    # Relations a new record (admin add) joins: its parent's slot, or the first one.
    def add_building(self, slot: int, estate: int, agent: int, rmc: int) -> None:
        self.building_estate.append(estate)
        self.building_agent.append(agent)
        self.building_rmcs.append([rmc])
        self.building_units.append([])
        self.rmc_buildings[rmc].append(slot)

    def add_unit(self, slot: int, building: int, owner: int | None) -> None:
        self.unit_building.append(building)
        self.unit_number.append(len(self.building_units[building]) + 1)
        self.building_units[building].append(slot)
        self.unit_owners.append([] if owner is None else [owner])
        if owner is not None:
            self.owner_units[owner].append(slot)

    def add_owner(self, slot: int, unit: int | None) -> None:
        self.owner_units.append([] if unit is None else [unit])
        if unit is not None:
            self.unit_owners[unit].append(slot)

    def add_rmc(self, slot: int) -> None:
        self.rmc_buildings.append([])


def build(seed: int, units: int) -> PropmanData:
    rng = random.Random(seed)
    sizes = Sizes(units)
    tables = {kind: Table(kind, ID_BASE[kind], ()) for kind in KINDS}
    data = PropmanData(seed, dict(draw("en_GB", seed, PLAN)), tables)
    counts = {kind: getattr(sizes, kind) for kind in KINDS}
    for kind in KINDS:
        for _ in range(counts[kind]):
            tables[kind].append(*generated_times(rng))
    data.rmc_buildings = [[] for _ in range(sizes.rmcs)]
    data.owner_units = [[] for _ in range(sizes.owners)]
    for building in range(sizes.buildings):
        # a few estates hold many buildings; some RMCs run several
        data.add_building(
            building,
            building % sizes.estates,
            building % sizes.agents,
            building % sizes.rmcs,
        )
    for unit in range(units):
        data.add_unit(unit, rng.randrange(sizes.buildings), unit % sizes.owners)
    for table in tables.values():
        table.reindex()
    return data
