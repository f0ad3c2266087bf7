"""Propman's records as the admin API changes them (`kit.records`): edits laid over the seed,
new records joined to their parents (a unit to its building, an owner to a unit), and churn."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ..kit.clock import to_utc_z
from ..kit.errors import BadRequest
from ..kit.records import Flat, Kind, TableRecords
from . import content
from .data import KINDS, PropmanData

# (kind, the admin field naming a parent by id, the parent's kind)
PARENTS = {
    "buildings": (("estateId", "estates"), ("agentId", "agents"), ("rmcId", "rmcs")),
    "units": (("buildingId", "buildings"), ("ownerId", "owners")),
    "owners": (("unitId", "units"),),
}
# What churn changes of each kind: a field a sync writes, so a changed record is a real update
CHURNED = {
    "estates": "name",
    "buildings": "line2",
    "units": "line2",
    "agents": "phone",
    "suppliers": "phone",
    "owners": "phone",
    "rmcs": "phone",
}


def _flat(data: PropmanData, kind: str) -> Callable[[int], Flat]:
    derive = content.FLAT[kind]
    return lambda slot: derive(data, slot)


class PropmanRecords(TableRecords):
    def __init__(self, data: PropmanData) -> None:
        super().__init__({kind: Kind(data.tables[kind], _flat(data, kind)) for kind in KINDS})
        self.data = data
        self.churns = 0

    def view(self, flat: Flat) -> Flat:
        return {**flat, "modifiedAt": to_utc_z(flat["modifiedDate"])}

    def add(self, kind: str, fields: dict[str, Any], now_ms: int) -> Flat:
        """A new record, generated from the seed like the rest, joined to the parents its
        fields name by id (or the first of each), then `fields` laid over it."""
        table = self.kind(kind).table
        fields = dict(fields)
        parents = {
            name: self._parent(parent, fields.pop(name, None))
            for name, parent in PARENTS.get(kind, ())
        }
        slot = table.add(now_ms)
        data = self.data
        if kind == "buildings":
            data.add_building(slot, parents["estateId"], parents["agentId"], parents["rmcId"])
        elif kind == "units":
            data.add_unit(slot, parents["buildingId"], parents["ownerId"])
        elif kind == "owners":
            data.add_owner(slot, parents["unitId"])
        elif kind == "rmcs":
            data.add_rmc(slot)
        self.apply(kind, slot, fields)
        return self.view(self.kind(kind).flat(slot))

    def _parent(self, kind: str, record_id: object) -> int:
        if record_id is None:
            return 0
        slot = self.data.tables[kind].slot_of(record_id) if isinstance(record_id, int) else None
        if slot is None:
            raise BadRequest(f"no {kind} record {record_id!r} to join")
        return slot

    def churn(self, fraction: float, seed: int | None, now_ms: int) -> dict[str, list[int]]:
        """Change about `fraction` of each kind's records, the same ones for the same seed."""
        data = self.data
        rng = random.Random(seed if seed is not None else data.seed * 1_000_003 + self.churns)
        self.churns += 1
        changed: dict[str, list[int]] = {}
        for kind in KINDS:
            table = data.tables[kind]
            alive = [slot for slot in range(len(table)) if table.alive[slot]]
            chosen = sorted(rng.sample(alive, min(len(alive), round(len(alive) * fraction))))
            field = CHURNED[kind]
            for slot in chosen:
                value = rng.choice(data.pools["phones"]) if field == "phone" else ""
                if field == "name":
                    value = f"{rng.choice(data.pools['surnames'])} Estate"
                elif field == "line2":
                    value = f"Block {rng.choice('ABCDEFGH')}"
                self.edit(kind, table.id_of(slot), {field: value}, now_ms)
            changed[kind] = [table.id_of(slot) for slot in chosen]
        return changed
