"""A record a change loads, checks and writes back, without the ORM's session.

An issue's change (instruct, complete, cancel...) is the hot path of the way out: made in the
API's requests, on SQLite while it holds the one writer's lock. Loading the issue through the
session, then flushing its change with the audit hook, cost 0.78 ms a change here against
0.43 for the same row read, updated and audited by Core (docs/performance.md). `load` reads
the row into the domain object (not in the session: the session's other records flush as
before); `save` writes the columns that changed since, with the audit entry the session's hook
would write (C-13), and takes them as the new starting point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa

from repairlink.domain.actors import Actor
from repairlink.store.audit import INSERT_ENTRIES, audit_entry, changes_between
from repairlink.store.precompiled import Precompiled
from repairlink.store.rows import from_row
from repairlink.store.tables import MAPPED

T = TypeVar("T")

# FOR NO KEY UPDATE: a row's changes queue behind each other, the rows that refer to it do not
# (`with_for_update`'s flags, as the session's `get` takes them).
ROW_LOCK = {"key_share": True}


_ID = "tracked_id"  # the row's id, as a parameter (a column's own name is refused in an UPDATE)


@dataclass(frozen=True)
class _Statements:
    """Built and compiled once a class (store/precompiled.py): building them cost as much as
    running them."""

    read: Precompiled
    locked: Precompiled
    update: sa.Update
    updates: dict[tuple[str, ...], Precompiled]  # by the columns a change sets

    def update_of(self, columns: tuple[str, ...]) -> Precompiled:
        found = self.updates.get(columns)
        if found is None:  # a few sets of columns a class: one for each kind of change
            found = self.updates.setdefault(columns, Precompiled(self.update, keys=columns))
        return found


_BUILT: dict[type, _Statements] = {}


def _statements(cls: type) -> _Statements:
    if cls not in _BUILT:  # two threads building it at once build the same: either will do
        table = MAPPED[cls][0]
        # PostgreSQL locks the row; SQLite's one writer serialises already (no FOR UPDATE)
        read = sa.select(table).where(table.c.id == sa.bindparam(_ID))
        locked = read.with_for_update(key_share=True)
        update = table.update().where(table.c.id == sa.bindparam(_ID))
        _BUILT[cls] = _Statements(Precompiled(read), Precompiled(locked), update, {})
    return _BUILT[cls]


def _row(conn: sa.Connection, statement: Precompiled, record_id: int) -> dict[str, Any] | None:
    """The row's values by column name, or None."""
    found = statement.rows(conn, {_ID: record_id})
    return found[0] if found else None


def load_unlocked(conn: sa.Connection, cls: type[T], record_id: int) -> T | None:
    """The record as its row stands, outside any session: changing it writes nothing."""
    values = _row(conn, _statements(cls).read, record_id)
    return None if values is None else from_row(cls, values)


class Tracked:
    """The records one unit of work loaded to change, each with its values as last written."""

    def __init__(self) -> None:
        self._loaded: list[tuple[Any, dict[str, Any]]] = []

    @property
    def any(self) -> bool:
        return bool(self._loaded)

    def load(self, conn: sa.Connection, cls: type[T], record_id: int) -> T | None:
        """The record, its row locked until the transaction ends; None if there is none."""
        values = _row(conn, _statements(cls).locked, record_id)
        if values is None:
            return None
        record = from_row(cls, values)
        self._loaded.append((record, values))
        return record

    def save(self, conn: sa.Connection, actor: Actor) -> None:
        """Write what changed in each record since it was loaded (or last saved)."""
        for record, values in self._loaded:
            changed = {
                key: current
                for key, before in values.items()
                if (current := getattr(record, key)) != before
            }
            if not changed:
                continue
            update = _statements(type(record)).update_of(tuple(changed))
            update.run(conn, {**changed, _ID: record.id})
            changes = changes_between(values, changed)  # compared once, above
            if changes:
                entry = audit_entry(actor, record, "updated", changes, datetime.now(UTC))
                INSERT_ENTRIES.run(conn, [entry])
            values.update(changed)
