"""Cursor pages over short lists already in memory (an issue's comments, a record's trail), so
that every list the API answers has the same `items` + `next_cursor` shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar, cast

from repairlink.errors import InvalidError
from repairlink.services.pagination import MAX_LIMIT, Page, decode_cursor, encode_cursor

T = TypeVar("T")


class _HasId(Protocol):
    id: int


def _id_of(item: object) -> int:
    return cast(_HasId, item).id


def page_of(
    items: Sequence[T],
    *,
    cursor: str | None,
    limit: int,
    key: Callable[[T], int] | None = None,
) -> Page[T]:
    """The page after `cursor` of `items`, ordered by `key` (the record id by default)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidError("page.bad_limit", f"limit is from 1 to {MAX_LIMIT}", field="limit")
    key_of = key or _id_of
    ordered = sorted(items, key=key_of)
    if cursor:
        after = decode_cursor(cursor)
        ordered = [item for item in ordered if key_of(item) > after]
    chosen = ordered[:limit]
    more = len(ordered) > limit
    return Page(chosen, encode_cursor(key_of(chosen[-1])) if more else None)


def page_by_position(items: Sequence[T], *, cursor: str | None, limit: int) -> Page[T]:
    """For append-only lists without ids (an audit trail): the cursor is the position."""
    numbered = list(enumerate(items, start=1))
    page = page_of(numbered, cursor=cursor, limit=limit, key=lambda pair: pair[0])
    return Page([item for _, item in page.items], page.next_cursor)
