"""Choosing one page of a table's records: the window a request asks for, filters, totals.

Every list is ordered by (modified time, id). A cursor names the last record served, and the
next page starts strictly after it: a record changed while a client pages moves behind the
cursor's end and is served again later, never skipped, which is how a modified-ordered cursor
stays safe while data changes. Offset paging counts matches from the start instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .query import Keep
from .table import Table


@dataclass(frozen=True)
class Window:
    """What one list request asks for; `paging` reads it from the parameters."""

    size: int
    after: tuple[int, int] | None = None  # (modified ms, id) of the last record served
    offset: int = 0
    modified_from: int | None = None  # inclusive
    modified_to: int | None = None  # exclusive
    created_from: int | None = None
    created_to: int | None = None

    def bounds(self) -> tuple[int | None, ...]:
        return (self.modified_from, self.modified_to, self.created_from, self.created_to)


@dataclass(frozen=True)
class Page:
    slots: list[int]
    last: tuple[int, int] | None  # (modified, id) of the last slot, when more matches follow
    total: int | None  # matches in the whole window, when the paging style reports it


class Totals:
    """Remembers totals per (table, filter) until the table changes: a total costs one scan."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, object], tuple[int, int]] = {}

    def total(self, table: Table, window: Window, keep: Keep | None, filter_key: object) -> int:
        key = (table.name, (filter_key, window.bounds()))
        cached = self._cache.get(key)
        if cached is not None and cached[0] == table.version:
            return cached[1]
        total = sum(1 for _ in _matches(table, window, keep, after=None, skip=0))
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[key] = (table.version, total)
        return total


def _matches(
    table: Table, window: Window, keep: Keep | None, after: tuple[int, int] | None, skip: int
) -> Iterator[int]:
    unfiltered = keep is None and window.created_from is None and window.created_to is None
    # Without a filter the table can jump to the offset; with one, matches must be counted.
    scan = table.scan(after, window.modified_from, window.modified_to, skip if unfiltered else 0)
    if unfiltered:
        yield from scan
        return
    created = table.created
    for slot in scan:
        if window.created_from is not None and created[slot] < window.created_from:
            continue
        if window.created_to is not None and created[slot] >= window.created_to:
            continue
        if keep is None or keep(slot):
            if skip:
                skip -= 1
                continue
            yield slot


def select(
    table: Table,
    window: Window,
    keep: Keep | None,
    totals: Totals,
    filter_key: object,
    *,
    with_total: bool,
) -> Page:
    """One page of matching slots; `last` only when another match follows."""
    found: list[int] = []
    more = False
    for slot in _matches(table, window, keep, window.after, window.offset):
        if len(found) == window.size:
            more = True
            break
        found.append(slot)
    last = (table.modified[found[-1]], table.id_of(found[-1])) if more else None
    total = totals.total(table, window, keep, filter_key) if with_total else None
    return Page(found, last, total)
