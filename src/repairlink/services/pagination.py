"""Cursor pagination for every API list: stable under inserts, cheap at any depth (keyset on
id); numbered pages with a total for the console's lists."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from repairlink.errors import InvalidError
from repairlink.store.uow import UnitOfWork

T = TypeVar("T")
MAX_LIMIT = 500


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = raw.split(":", 1)
        if kind != "id":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidError(
            "page.bad_cursor", "The cursor is not one this API gave out", field="cursor"
        ) from exc


def paginate(
    uow: UnitOfWork,
    stmt: sa.Select[T],
    id_column: sa.ColumnElement[int],
    *,
    cursor: str | None,
    limit: int,
) -> Page[T]:
    """Run `stmt` (already filtered) one page at a time, in id order."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidError("page.bad_limit", f"limit is from 1 to {MAX_LIMIT}", field="limit")
    if cursor:
        stmt = stmt.where(id_column > decode_cursor(cursor))
    rows = uow.all(stmt.order_by(id_column).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].id if more else None  # type: ignore[attr-defined]
    return Page(rows, encode_cursor(last) if last is not None else None)


def newest_first(
    uow: UnitOfWork,
    query: sa.Select[Any],
    id_column: sa.ColumnElement[int],
    cursor: str | None,
    limit: int,
) -> Page[dict[str, Any]]:
    """One page of `query`'s rows as dicts, newest (highest id, selected as "id") first."""
    query = query.order_by(id_column.desc()).limit(limit + 1)
    if cursor:
        query = query.where(id_column < decode_cursor(cursor))
    with uow.reading():
        rows = [dict(x) for x in uow.session.connection().execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1]["id"]) if more else None)


@dataclass
class Numbered(Generic[T]):
    """One numbered page of a list and how long the whole list is (the console's lists: a
    total, previous and next)."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def numbered(
    uow: UnitOfWork,
    stmt: sa.Select[T],
    *order_by: sa.ColumnElement[Any],
    page: int = 1,
    per_page: int = 50,
) -> Numbered[T]:
    """Page `page` of `stmt` (already filtered) in `order_by` order, with the total count."""
    if not 1 <= per_page <= MAX_LIMIT:
        raise InvalidError("page.bad_limit", f"limit is from 1 to {MAX_LIMIT}", field="limit")
    page = max(1, page)
    total = uow.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    last_page = max(1, -(-total // per_page))
    page = min(page, last_page)
    rows = uow.all(stmt.order_by(*order_by).offset((page - 1) * per_page).limit(per_page))
    return Numbered(rows, total, page, per_page)
