"""The generic PMS's data: users (one of them the integration user), properties (hidden or
not, assigned to a user), residents (moving in and out) and work orders (numbered, assigned,
with a status), seeded and deterministic but for their times: a share of every kind changed
in the last 72 hours before the start, so that a client reading "the last 72 hours" (PX-01)
finds something."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..kit import clock
from ..kit.auth import api_key
from ..kit.errors import BadRequest
from ..kit.faults import Breakage
from ..kit.paging import DateFilters, OffsetBodyPaging
from ..kit.pools import draw
from ..kit.records import Flat, Kind, TableRecords
from ..kit.rendered import RenderCache, Shape
from ..kit.runtime import Config, Runtime
from ..kit.seeded import record_rng
from ..kit.table import Table

API_KEY = "platform-session-key"
INTEGRATION_USER_ID = 1
USERS = (
    {"id": 1, "name": "Repairlink Integration", "email": "integration@repairlink.test"},
    {"id": 2, "name": "Dana Fielding", "email": "dana@platform.test"},
    {"id": 3, "name": "Omar Haddad", "email": "omar@platform.test"},
    {"id": 4, "name": "Priya Raman", "email": "priya@platform.test"},
)
STATUSES = ("Open", "Assigned", "In Progress", "Complete", "Cancelled")
HOUR_MS = 3_600_000
POOLS = (
    ("first", "first_name", 120),
    ("last", "last_name", 120),
    ("street", "street_name", 120),
    ("city", "city", 60),
    ("postcode", "postcode", 120),
    ("phone", "phone_number", 120),
)
SUMMARIES = ("Leaking tap", "Broken boiler", "Blocked drain", "Damp in bedroom", "Faulty lock")
PAGING = OffsetBodyPaging(
    max_size=500, dates=DateFilters("updatedSince", "updatedUntil", "createdSince", "createdUntil")
)


@dataclass(frozen=True)
class PlatformConfig(Config):
    api_key: str = API_KEY
    recent: float = 0.3  # the share of records changed in the 72 hours before the start


class PlatformRecords(TableRecords):
    """Admin edits and additions (an added record is generated like the rest, its fields laid
    over)."""

    def __init__(self, state: PlatformState) -> None:
        self.state = state
        super().__init__(
            {
                "properties": Kind(state.properties, state.property_flat),
                "residents": Kind(state.residents, state.resident_flat),
                "work-orders": Kind(state.orders, state.order_flat),
            }
        )

    def special(self, kind: str, slot: int, key: str, value: object, current: Flat) -> object:
        if key == "status" and value not in STATUSES:
            raise BadRequest(f"status must be one of {', '.join(STATUSES)}")
        if key in ("assignedUserId", "assigneeId") and value not in (*self.state.user_ids, None):
            raise BadRequest(f"{key} must be a user id")
        if key in ("moveIn", "moveOut") and value is not None:
            if not isinstance(value, str) or len(value) != 10:
                raise BadRequest(f"{key} must be a date (YYYY-MM-DD) or null")
            return value
        return super().special(kind, slot, key, value, current)

    def add(self, kind: str, fields: Flat, now_ms: int) -> Flat:
        found = self.kind(kind)
        slot = found.table.add(now_ms)
        self.apply(kind, slot, fields)
        return found.flat(slot)


class PlatformState(Runtime):
    def __init__(self, config: PlatformConfig) -> None:
        self.start_ms = clock.now_ms()
        self.config_units = config.units
        rng = random.Random(config.seed)
        self.pools = draw("en_GB", config.seed, POOLS)
        self.user_ids: tuple[int, ...] = tuple(int(str(u["id"])) for u in USERS)
        units = max(config.units, 1)
        # a resident or work order changed lately is at a property changed lately, so that a
        # 72-hour read finds the property it refers to
        share = float(config.recent)  # from the command line it comes as text
        recent = [rng.random() < share for _ in range(units)]
        self.properties = self._table(rng, "properties", 100_000, config.units, recent.__getitem__)
        self.residents = self._table(
            rng, "residents", 200_000, config.units * 3 // 2, lambda slot: recent[slot % units]
        )
        self.orders = self._table(
            rng,
            "work-orders",
            300_000,
            config.units * 3 // 10,
            lambda slot: recent[self.order_home(slot)],
        )

        super().__init__(
            "Platform",
            config,
            auth=api_key(config.api_key),
            records=PlatformRecords(self),
            rendered=RenderCache(self._version),
            identity={"api_key": config.api_key, "integration_user_id": INTEGRATION_USER_ID},
            breakage=Breakage(("id",), {"updatedAt": 0}),
        )
        self.shapes = {
            "properties": Shape("property", self.properties, self.render_property),
            "residents": Shape("resident", self.residents, self.render_resident),
            "work-orders": Shape("work-order", self.orders, self.render_order),
        }

    def _table(
        self, rng: random.Random, name: str, base: int, count: int, lately: Callable[[int], bool]
    ) -> Table:
        table = Table(name, base, ())
        for slot in range(count):
            created, modified = clock.generated_times(rng)
            if lately(slot):  # changed in the 72 hours before the start
                modified = self.start_ms - rng.randint(HOUR_MS, 71 * HOUR_MS)
            table.append(created, modified)
        table.reindex()
        return table

    def order_home(self, slot: int) -> int:
        """The property slot of a generated work order."""
        return (slot * 7) % max(self.config_units, 1)

    def _version(self) -> int:
        return self.properties.version + self.residents.version + self.orders.version

    def _pick(self, rng: random.Random, pool: str) -> str:
        return rng.choice(self.pools[pool])

    # -- records, flat (the admin API's names) ----------------------------------------------
    def property_flat(self, slot: int) -> Flat:
        rng = record_rng(self.config.seed, 1, slot)
        assigned = INTEGRATION_USER_ID if rng.random() < 0.8 else rng.choice(self.user_ids[1:])
        return self.properties.derived(
            slot,
            {
                "name": f"{rng.randint(1, 180)} {self._pick(rng, 'street')}",
                "city": self._pick(rng, "city"),
                "postcode": self._pick(rng, "postcode"),
                "hidden": rng.random() < 0.05,
                "assignedUserId": assigned,
            },
        )

    def resident_flat(self, slot: int) -> Flat:
        rng = record_rng(self.config.seed, 2, slot)
        first, last = self._pick(rng, "first"), self._pick(rng, "last")
        move_in = self.start_ms - rng.randint(30, 2000) * clock.DAY_MS
        moved_out = rng.random() < 0.15
        move_out = self.start_ms + rng.randint(-20, 300) * clock.DAY_MS if moved_out else None
        return self.residents.derived(
            slot,
            {
                "propertyId": self.properties.id_of(slot % max(len(self.properties), 1)),
                "firstName": first,
                "lastName": last,
                "email": f"{_letters(first)}.{_letters(last)}.{slot}@example.com",
                "phone": self._pick(rng, "phone"),
                "moveIn": _day(move_in),
                "moveOut": None if move_out is None else _day(move_out),
            },
        )

    def order_flat(self, slot: int) -> Flat:
        rng = record_rng(self.config.seed, 3, slot)
        assigned = INTEGRATION_USER_ID if rng.random() < 0.5 else rng.choice(self.user_ids[1:])
        return self.orders.derived(
            slot,
            {
                "number": f"WO-{1000 + slot}",
                "propertyId": self.properties.id_of(self.order_home(slot)),
                "summary": rng.choice(SUMMARIES),
                "description": "",
                "status": rng.choice(STATUSES[:3]),
                "assigneeId": assigned,
            },
        )

    # -- records, as the API serves them ----------------------------------------------------
    def render_property(self, slot: int) -> Flat:
        return _served(self.property_flat(slot))

    def render_resident(self, slot: int) -> Flat:
        return _served(self.resident_flat(slot))

    def render_order(self, slot: int) -> Flat:
        return _served(self.order_flat(slot))


def _served(flat: Flat) -> dict[str, Any]:
    body = {k: v for k, v in flat.items() if k not in ("createdDate", "modifiedDate")}
    body["createdAt"] = clock.to_utc_z(flat["createdDate"])
    body["updatedAt"] = clock.to_utc_z(flat["modifiedDate"])
    return body


def _letters(name: str) -> str:
    return "".join(c for c in name.lower() if c.isascii() and c.isalnum()) or "x"


def _day(ms: int) -> str:
    return clock.to_midnight(ms)[:10]
