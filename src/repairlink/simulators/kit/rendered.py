"""List items as served: each record's JSON rendered once and kept as bytes.

Deriving a record from the seed and rendering it costs far more than sending it, and a test
double must not eat the CPU it shares with the hub it serves. So a list item is rendered on
its first request and kept until any record changes (the whole store is emptied then: one
record's change may show in others, as a property's address does in its tenants, and one
edit among thousands of reads costs little). `prerender` renders ahead of serving. A record
the fault plan breaks is rendered and broken afresh, never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from .faults import Faults
from .table import Table

Json = dict[str, Any]


@dataclass(frozen=True)
class Shape:
    """One way a list shows a table's records: `render` gives a slot's JSON; `covers` says
    which live slots the list can show (for prerendering; None: every one)."""

    name: str
    table: Table
    render: Callable[[int], Json]
    covers: Callable[[int], bool] | None = None


class RenderCache:
    """Rendered items by (shape, slot), valid while `version()` stays the same."""

    def __init__(self, version: Callable[[], int]) -> None:
        self._version = version
        self._at = -1
        self._items: dict[tuple[str, int], bytes] = {}

    def _store(self) -> dict[tuple[str, int], bytes]:
        version = self._version()
        if version != self._at:
            self._items.clear()
            self._at = version
        return self._items

    def item(self, faults: Faults, shape: Shape, slot: int) -> bytes:
        """One list item's JSON, broken on purpose when the fault plan marks the record."""
        table = shape.table
        record_id, modified_ms = table.id_of(slot), table.modified[slot]
        if faults.is_malformed(record_id, modified_ms):
            return orjson.dumps(faults.malform(shape.render(slot), record_id, modified_ms))
        store = self._store()
        key = (shape.name, slot)
        body = store.get(key)
        if body is None:
            body = store[key] = _bytes(shape.render(slot))
        return body

    def __len__(self) -> int:
        """Items rendered and still valid."""
        return len(self._store())

    def prerender(self, shapes: Iterable[Shape]) -> int:
        """Render every live record of these shapes now; returns how many."""
        store = self._store()
        count = 0
        for shape in shapes:
            table, covers = shape.table, shape.covers
            for slot in range(len(table)):
                if table.alive[slot] and (covers is None or covers(slot)):
                    store[(shape.name, slot)] = _bytes(shape.render(slot))
                    count += 1
        return count


def _bytes(item: Json) -> bytes:
    # a copy of exactly its size: orjson's own buffer holds a few kilobytes to spare
    return bytes(memoryview(orjson.dumps(item)))
