"""Bulk inserts learn their new ids in one statement, in the order given, on both databases,
and never hand a deleted record's id to a new one (ids are never reused)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.store.bulk import insert_many, insert_returning_ids
from repairlink.store.tables import contractors, cost_codes


def _rows(agency_id: int, names: list[str]) -> list[dict[str, object]]:
    return [{"agency_id": agency_id, "code": name, "description": name} for name in names]


def test_new_ids_come_back_in_the_order_of_the_rows(app: App, agency_id: int) -> None:
    names = [f"c{n}" for n in range(40)]
    with app.engine.begin() as conn:
        ids = insert_returning_ids(conn, cost_codes, _rows(agency_id, names))
        query = sa.select(cost_codes.c.id, cost_codes.c.code).where(cost_codes.c.id.in_(ids))
        stored = {row.id: row.code for row in conn.execute(query)}
    assert [stored[i] for i in ids] == names
    assert len(set(ids)) == len(ids)


def test_the_id_of_a_deleted_last_row_is_not_given_again(app: App, agency_id: int) -> None:
    with app.engine.begin() as conn:
        (last,) = insert_returning_ids(conn, cost_codes, _rows(agency_id, ["gone"]))
        conn.execute(sa.delete(cost_codes).where(cost_codes.c.id == last))
    with app.engine.begin() as conn:
        (new,) = insert_returning_ids(conn, cost_codes, _rows(agency_id, ["new"]))
    assert new > last


def test_bulk_rows_take_column_defaults_and_convert_dates_and_json(
    app: App, agency_id: int
) -> None:
    """What `insert_many` hands SQLite's driver itself is stored as SQLAlchemy would store it:
    left-out columns take their defaults (a callable one too), dates and JSON converted."""
    archived = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    rows = [
        {"agency_id": agency_id, "first_name": "Ann", "archived_at": archived, "trades": ["gas"]},
        {"agency_id": agency_id, "first_name": "Bob", "archived_at": None, "trades": []},
    ]
    c = contractors.c
    with app.engine.begin() as conn:
        insert_many(conn, contractors, rows)
        stored = conn.execute(
            sa.select(c.first_name, c.surname, c.address, c.archived_at, c.trades)
            .where(c.agency_id == agency_id)
            .order_by(c.first_name)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("Ann", "", "", archived, ["gas"]),
        ("Bob", "", "", None, []),
    ]
