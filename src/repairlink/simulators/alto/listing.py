"""Cursor paging over a table: query parameters, opaque next tokens, filters and counts.

A next token names the last record served by its (modified time, id); the next page starts
strictly after it. A record changed while a client pages moves behind the cursor's end and
is served again later, never skipped, which is how a modified-ordered cursor stays safe
while data changes.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from . import clock
from .table import Table


class BadRequest(Exception):
    """A query Alto would answer with 400."""


@dataclass(frozen=True)
class PageSpec:
    """How one endpoint spells and sizes its pages (Alto uses three spellings)."""

    token_param: str
    size_param: str
    default_size: int
    max_size: int


KEBAB_100 = PageSpec("next-token", "max-results", 100, 100)
KEBAB_250 = PageSpec("next-token", "max-results", 50, 250)
CAMEL_100 = PageSpec("nextToken", "maxResults", 100, 100)


@dataclass(frozen=True)
class Window:
    after: tuple[int, int] | None
    size: int
    modified_from: int | None
    modified_to: int | None
    created_from: int | None
    created_to: int | None


def encode_token(modified_ms: int, record_id: int) -> str:
    raw = f"v1:{modified_ms}:{record_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> tuple[int, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        version, modified, record_id = raw.split(":")
        if version != "v1":
            raise ValueError(version)
        return int(modified), int(record_id)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"The next token {token!r} is not valid.") from error


def _time(params: Mapping[str, str], name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return clock.parse(value)
    except ValueError as error:
        raise BadRequest(f"{name} must be an ISO-8601 date-time, not {value!r}.") from error


def read_window(
    params: Mapping[str, str], spec: PageSpec, size_cap: int | None, *, dated: bool = True
) -> Window:
    """The paging and date parameters of one request; `size_cap` overrides Alto's maximum."""
    token = params.get(spec.token_param)
    limit = size_cap if size_cap is not None else spec.max_size
    raw_size = params.get(spec.size_param)
    try:
        size = spec.default_size if raw_size in (None, "") else int(raw_size)
    except ValueError as error:
        raise BadRequest(f"{spec.size_param} must be a whole number.") from error
    if not 1 <= size <= limit:
        raise BadRequest(f"{spec.size_param} must be between 1 and {limit}.")
    return Window(
        after=decode_token(token) if token else None,
        size=size,
        modified_from=_time(params, "modified-from") if dated else None,
        modified_to=_time(params, "modified-to") if dated else None,
        created_from=_time(params, "created-from") if dated else None,
        created_to=_time(params, "created-to") if dated else None,
    )


Keep = Callable[[int], bool]


@dataclass
class Page:
    slots: list[int]
    next_token: str | None
    total: int


class Totals:
    """Remembers totals per (table, filter) until the table changes: a total costs one scan."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, object], tuple[int, int]] = {}

    def total(self, table: Table, window: Window, keep: Keep | None, filter_key: object) -> int:
        key = (
            table.name,
            (
                filter_key,
                window.modified_from,
                window.modified_to,
                window.created_from,
                window.created_to,
            ),
        )
        cached = self._cache.get(key)
        if cached is not None and cached[0] == table.version:
            return cached[1]
        total = sum(1 for _ in _matches(table, window, keep, after=None))
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[key] = (table.version, total)
        return total


def _matches(
    table: Table, window: Window, keep: Keep | None, after: tuple[int, int] | None
) -> Iterator[int]:
    created = table.created
    for slot in table.scan(after, window.modified_from, window.modified_to):
        if window.created_from is not None and created[slot] < window.created_from:
            continue
        if window.created_to is not None and created[slot] >= window.created_to:
            continue
        if keep is None or keep(slot):
            yield slot


def page(
    table: Table, window: Window, keep: Keep | None, totals: Totals, filter_key: object
) -> Page:
    """One page of matching slots, and a next token only when another match exists."""
    found: list[int] = []
    more = False
    for slot in _matches(table, window, keep, window.after):
        if len(found) == window.size:
            more = True
            break
        found.append(slot)
    token = None
    if more:
        last = found[-1]
        token = encode_token(table.modified[last], table.id_of(last))
    return Page(found, token, totals.total(table, window, keep, filter_key))
