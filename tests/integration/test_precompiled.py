"""Statements run on the driver's cursor (store/precompiled.py: every delivery's claim, facts,
attempt and move) read and write what SQLAlchemy's own execution does, on SQLite and
PostgreSQL: zoned times, JSON, booleans, IN lists of any length, values fixed in the
statement; and the engine's listeners still hear each statement."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.store.precompiled import Precompiled
from repairlink.store.tables import agencies, contractors

c = contractors.c
ARCHIVED = datetime(2026, 12, 8, 9, 30, 15, 123456, tzinfo=UTC)
COLUMNS = ("agency_id", "first_name", "email", "archived_at", "trades")


def _people(app: App, agency_id: int, names: list[str]) -> list[int]:
    rows = [
        {
            "agency_id": agency_id,
            "first_name": name,
            "email": f"{name}@x.test" if n % 2 else None,
            "archived_at": ARCHIVED if n % 2 else None,
            "trades": ["plumbing", {"gas safe": n}],
        }
        for n, name in enumerate(names)
    ]
    with app.engine.begin() as conn:
        return [
            conn.execute(sa.insert(contractors).values(row).returning(c.id)).scalar_one()
            for row in rows
        ]


def _by_sqlalchemy(app: App, stmt: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    with app.engine.connect() as conn:
        return [dict(row) for row in conn.execute(stmt, params).mappings()]


def _by_driver(app: App, stmt: Precompiled, params: dict[str, Any]) -> list[dict[str, Any]]:
    with app.engine.connect() as conn:
        return stmt.rows(conn, params)


def test_rows_read_as_sqlalchemy_reads_them(app: App, agency_id: int) -> None:
    ids = _people(app, agency_id, ["Ann", "Bob", "Cat", "Dan"])
    query = (
        sa.select(*contractors.c)
        .where(c.id.in_(sa.bindparam("ids", expanding=True)), c.agency_id == agency_id)
        .order_by(c.id)
    )
    precompiled = Precompiled(query)
    for wanted in ([], ids[:1], ids[1:3], ids, [*ids, 0], ids[:1]):
        read = _by_driver(app, precompiled, {"ids": wanted})
        assert read == _by_sqlalchemy(app, query, {"ids": wanted})
        assert [row["id"] for row in read] == [i for i in ids if i in wanted]
    archived = [row for row in _by_driver(app, precompiled, {"ids": ids}) if row["archived_at"]]
    assert [row["archived_at"] for row in archived] == [ARCHIVED, ARCHIVED]  # zoned, to the µs
    assert archived[0]["trades"] == ["plumbing", {"gas safe": 1}]


def test_booleans_and_values_fixed_in_the_statement(app: App, agency_id: int) -> None:
    a = agencies.c
    query = sa.select(a.id, a.feedback_enabled, sa.literal("fixed").label("word")).where(
        a.id == sa.bindparam("agency"), a.name != "nobody"
    )
    read = _by_driver(app, Precompiled(query), {"agency": agency_id})
    assert read == _by_sqlalchemy(app, query, {"agency": agency_id})
    assert isinstance(read[0]["feedback_enabled"], bool)
    assert read[0]["word"] == "fixed"


def test_many_lengths_of_a_list_past_the_kept_renderings(app: App, agency_id: int) -> None:
    ids = _people(app, agency_id, [f"P{n}" for n in range(Precompiled.SHAPES + 5)])
    query = sa.select(c.id).where(c.id.in_(sa.bindparam("ids", expanding=True))).order_by(c.id)
    precompiled = Precompiled(query)
    for length in range(1, len(ids) + 1):  # the last few go through SQLAlchemy's execution
        assert _by_driver(app, precompiled, {"ids": ids[:length]}) == [
            {"id": i} for i in ids[:length]
        ]


def test_writes_one_row_or_many_as_sqlalchemy_writes_them(app: App, agency_id: int) -> None:
    ids = _people(app, agency_id, ["Ann", "Bob", "Cat"])
    archive = Precompiled(
        sa.update(contractors)
        .where(c.id == sa.bindparam("_id"))
        .values(archived_at=sa.bindparam("at"), archived_by="sync", trades=sa.bindparam("trades"))
    )
    with app.engine.begin() as conn:
        one = archive.run(conn, {"_id": ids[0], "at": ARCHIVED, "trades": []})
        many = archive.run(conn, [{"_id": i, "at": None, "trades": {"k": i}} for i in ids[1:]])
        assert archive.run(conn, []) == 0
    assert (one, many) == (1, 2)
    stored = _by_sqlalchemy(
        app,
        sa.select(c.archived_at, c.archived_by, c.trades).where(c.id.in_(ids)).order_by(c.id),
        {},
    )
    assert stored == [
        {"archived_at": ARCHIVED, "archived_by": "sync", "trades": []},
        {"archived_at": None, "archived_by": "sync", "trades": {"k": ids[1]}},
        {"archived_at": None, "archived_by": "sync", "trades": {"k": ids[2]}},
    ]


def test_the_engines_listeners_hear_each_statement(app: App, agency_id: int) -> None:
    heard: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        heard.append(statement)

    sa.event.listen(app.engine, "after_cursor_execute", listen)
    try:
        _by_driver(app, Precompiled(sa.select(c.id).where(c.agency_id == agency_id)), {})
    finally:
        sa.event.remove(app.engine, "after_cursor_execute", listen)
    assert any("FROM contractors" in statement for statement in heard)


def test_a_default_computed_in_python_is_refused(app: App, agency_id: int) -> None:
    insert = Precompiled(sa.insert(contractors), keys=("agency_id", "first_name"))  # no trades
    with app.engine.begin() as conn, pytest.raises(ValueError, match="default computed"):
        insert.run(conn, {"agency_id": agency_id, "first_name": "Eve"})
