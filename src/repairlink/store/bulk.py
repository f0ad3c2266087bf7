"""Inserting many rows and learning their new ids, in one statement on every database.

PostgreSQL answers a multi-row INSERT ... RETURNING in order. SQLite may not promise the
order, so SQLAlchemy falls back to one INSERT per row there; instead, the ids are chosen
here: a write transaction on SQLite holds the database's only write lock (BEGIN IMMEDIATE,
see `db`), so the next ids are free to take, and taking them past both the highest id and
the AUTOINCREMENT sequence never hands a deleted record's id to a new one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def insert_returning_ids(
    conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert `rows` (none with an id) and return their new ids, in the order given."""
    if not rows:
        return []
    if conn.dialect.name != "sqlite":
        statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(conn.execute(statement, rows).scalars().all())
    first = _next_sqlite_id(conn, table)
    ids = list(range(first, first + len(rows)))
    conn.execute(sa.insert(table), [{**row, "id": new} for row, new in zip(rows, ids, strict=True)])
    return ids


def _next_sqlite_id(conn: sa.Connection, table: sa.Table) -> int:
    highest = conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    sequence = conn.execute(
        sa.text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
    ).scalar()
    return max(highest, sequence or 0) + 1
