"""One record kind held compactly, ordered by (modified time, id) for stable cursor paging.

Only what lists filter or sort on lives here, in arrays of a few bytes a record: times, enum
codes, alive flags. A simulator derives names, addresses and phones from its seed when a record
is served, and keeps edits as small per-record overrides. That is what lets 100k units and 150k
tenants sit in tens of megabytes.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from typing import Any

from .errors import NotFound

# A record's sort key packs its modified time (ms) above its slot, so one sorted list of ints
# orders by (modified, id) and a bisect finds any cursor or time bound.
SLOT_BITS = 24
MAX_SLOTS = 1 << SLOT_BITS


class Table:
    def __init__(self, name: str, id_base: int, code_fields: tuple[str, ...]) -> None:
        self.name = name
        self.id_base = id_base
        self.created = array("q")
        self.modified = array("q")
        self.alive = bytearray()
        self.codes: dict[str, bytearray] = {field: bytearray() for field in code_fields}
        self.overrides: dict[int, dict[str, object]] = {}
        self._order: list[int] = []
        # Bumped on every change, so cached counts know when they are stale.
        self.version = 0

    def __len__(self) -> int:
        return len(self.alive)

    @property
    def alive_count(self) -> int:
        return len(self._order)

    def append(self, created: int, modified: int, **codes: int) -> int:
        """Add a record during bulk generation; call `reindex` once all are in."""
        slot = len(self.alive)
        if slot >= MAX_SLOTS:
            raise OverflowError(f"{self.name}: more than {MAX_SLOTS} records")
        self.created.append(created)
        self.modified.append(modified)
        self.alive.append(1)
        for field, column in self.codes.items():
            column.append(codes.get(field, 0))
        return slot

    def reindex(self) -> None:
        modified = self.modified
        self._order = sorted(
            (modified[slot] << SLOT_BITS) | slot
            for slot in range(len(self.alive))
            if self.alive[slot]
        )
        self.version += 1

    def add(self, created: int, **codes: int) -> int:
        """Add one record after generation, keeping the order."""
        slot = self.append(created, created, **codes)
        insort(self._order, self._key(slot))
        self.version += 1
        return slot

    def id_of(self, slot: int) -> int:
        return self.id_base + slot

    def slot_of(self, record_id: int) -> int | None:
        slot = record_id - self.id_base
        if 0 <= slot < len(self.alive) and self.alive[slot]:
            return slot
        return None

    def derived(self, slot: int, fields: dict[str, Any]) -> dict[str, Any]:
        """A record as a simulator derives it (a "flat" record): its id, `fields`, its times as
        `createdDate` and `modifiedDate` (ms), and the admin's edits laid over them."""
        flat = {"id": self.id_of(slot), **fields}
        flat["createdDate"], flat["modifiedDate"] = self.created[slot], self.modified[slot]
        overrides = self.overrides.get(slot)
        if overrides:
            flat.update(overrides)
        return flat

    def require(self, record_id: int, what: str) -> int:
        """The slot of a live record, or a 404 naming it ("Tenancy 20000001 was not found.")."""
        slot = self.slot_of(record_id)
        if slot is None:
            raise NotFound(f"{what} {record_id} was not found.")
        return slot

    def code(self, field: str, slot: int) -> int:
        return self.codes[field][slot]

    def set_code(self, field: str, slot: int, value: int) -> None:
        self.codes[field][slot] = value
        self.version += 1

    def touch(self, slot: int, now_ms: int) -> int:
        """Mark a record changed: its modified time moves forward and it re-sorts to the end."""
        new_time = max(now_ms, self.modified[slot] + 1)
        self._drop_key(slot)
        self.modified[slot] = new_time
        insort(self._order, self._key(slot))
        self.version += 1
        return new_time

    def kill(self, slot: int) -> None:
        self._drop_key(slot)
        self.alive[slot] = 0
        self.overrides.pop(slot, None)
        self.version += 1

    def scan(
        self,
        after: tuple[int, int] | None,
        lower_ms: int | None,
        upper_ms: int | None,
        skip: int = 0,
    ) -> Iterator[int]:
        """Slots in (modified, id) order after the cursor, modified within [lower, upper),
        passing over the first `skip` of them (offset paging without a filter: no walk)."""
        order = self._order
        start = 0
        if lower_ms is not None:
            start = bisect_left(order, lower_ms << SLOT_BITS)
        if after is not None:
            modified_ms, record_id = after
            cursor = (modified_ms << SLOT_BITS) | max(record_id - self.id_base, 0)
            start = max(start, bisect_right(order, cursor))
        stop = len(order) if upper_ms is None else bisect_left(order, upper_ms << SLOT_BITS)
        start += skip
        mask = MAX_SLOTS - 1
        for index in range(start, stop):
            yield order[index] & mask

    def _key(self, slot: int) -> int:
        return (self.modified[slot] << SLOT_BITS) | slot

    def _drop_key(self, slot: int) -> None:
        key = self._key(slot)
        index = bisect_left(self._order, key)
        if index < len(self._order) and self._order[index] == key:
            del self._order[index]
