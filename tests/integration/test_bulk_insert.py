"""Bulk inserts learn their new ids in one statement, in the order given, on both databases,
and never hand a deleted record's id to a new one (ids are never reused)."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.store.bulk import insert_returning_ids
from repairlink.store.tables import cost_codes


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
