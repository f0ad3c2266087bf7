"""The admin API's record hooks for a simulator whose records live in kit tables.

A record is a flat dict derived from the seed when asked for (`Kind.flat`); an admin edit is
laid over it as overrides, or written into the table's code columns for the fields lists
filter on. Every change moves the record's modified time to now, as a PMS does, so a
modified-since pull sees it. Deletion does not: a deleted record simply vanishes from every
list, which is what a modified-since feed can never report and a full reconciliation must.

A simulator subclasses `TableRecords` with its kinds, and overrides `special` for fields that
are more than a value (links, roles), `add` and `churn`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import clock
from .edits import enum_code, typed
from .errors import BadRequest, NotFound
from .table import Table

Flat = dict[str, Any]
READ_ONLY = frozenset({"id", "createdDate", "modifiedDate"})
KEEP_NO_OVERRIDE = object()  # what `special` answers when it has stored the change itself


@dataclass(frozen=True)
class Kind:
    """One kind of record as the admin API names it (several may share a table)."""

    table: Table
    flat: Callable[[int], Flat]
    # Fields kept as codes in the table, with the PMS's values for them.
    codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    read_only: frozenset[str] = frozenset()  # beyond the id and the times
    belongs: Callable[[int], bool] | None = None  # which of the table's slots are this kind


class TableRecords:
    def __init__(self, kinds: Mapping[str, Kind]) -> None:
        self.kinds = dict(kinds)

    def kind(self, name: str) -> Kind:
        found = self.kinds.get(name)
        if found is None:
            raise NotFound(f"no such kind {name!r}; kinds are {', '.join(self.kinds)}")
        return found

    def locate(self, name: str, record_id: int) -> int:
        kind = self.kind(name)
        slot = kind.table.slot_of(record_id)
        if slot is None or (kind.belongs is not None and not kind.belongs(slot)):
            raise NotFound(f"no {name} record {record_id}")
        return slot

    def view(self, flat: Flat) -> Flat:
        """A flat record as the admin API shows it."""
        return flat

    def get(self, kind: str, record_id: int) -> Flat:
        return self.view(self.kind(kind).flat(self.locate(kind, record_id)))

    def edit(self, kind: str, record_id: int, changes: Flat, now_ms: int) -> Flat:
        slot = self.locate(kind, record_id)
        self.apply(kind, slot, changes)
        self.kind(kind).table.touch(slot, now_ms)
        return self.view(self.kind(kind).flat(slot))

    def archive(self, kind: str, record_id: int, now_ms: int) -> Flat:
        return self.edit(kind, record_id, {"archived": True}, now_ms)

    def delete(self, kind: str, record_id: int) -> None:
        self.kind(kind).table.kill(self.locate(kind, record_id))

    def add(self, kind: str, fields: Flat, now_ms: int) -> Flat:
        raise BadRequest(f"{kind} records cannot be added")

    def churn(self, fraction: float, seed: int | None, now_ms: int) -> dict[str, list[int]]:
        raise BadRequest("this simulator has no churn")

    def apply(self, name: str, slot: int, changes: Flat) -> None:
        """Lay `changes` over a record: codes into the table, the rest as overrides."""
        kind = self.kind(name)
        table, current = kind.table, kind.flat(slot)
        overrides: dict[str, object] = {}
        for key, value in changes.items():
            if key.endswith("Date") and isinstance(value, str):
                value = clock.parse(value)
            if key in READ_ONLY or key in kind.read_only or key not in current:
                raise BadRequest(f"{key!r} cannot be set on {name}")
            if key in kind.codes:
                table.set_code(key, slot, enum_code(kind.codes[key], key, value))
            elif key == "archived" and "archived" in table.codes:
                if not isinstance(value, bool):
                    raise BadRequest("archived must be true or false")
                table.set_code("archived", slot, int(value))
            else:
                kept = self.special(name, slot, key, value, current)
                if kept is not KEEP_NO_OVERRIDE:
                    overrides[key] = kept
        if overrides:
            table.overrides.setdefault(slot, {}).update(overrides)

    def special(self, kind: str, slot: int, key: str, value: object, current: Flat) -> object:
        """The override to keep for one changed field; a subclass handles fields that are more
        than a value (and answers KEEP_NO_OVERRIDE when it stored the change itself)."""
        return typed(key, value, current[key])
