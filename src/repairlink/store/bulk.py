"""Inserting many rows at once, and learning their new ids, on every database.

New ids are chosen before the rows go, so that rows of every kind go the same cheap way. On
SQLite a write transaction holds the database's only write lock (BEGIN IMMEDIATE, see `db`),
so the next ids are free to take, and taking them past both the highest id and the
AUTOINCREMENT sequence never hands a deleted record's id to a new one. On PostgreSQL they are
taken from the table's own sequence in one statement, as the column's default would take
them (SQLAlchemy's INSERT ... RETURNING in parameter order cost more to build and parse than
the server's insert: 18% of a sync's writer thread at 20k Alto units).

On SQLite the rows go straight to the driver's `executemany`, each value converted by its
column's type once: SQLAlchemy's own per-row bookkeeping costs about as much as SQLite's
work on rows as small as a sync's (measured: 0.49 s against 0.24 s for 100k skip rows).
On PostgreSQL they go by COPY (psycopg's `copy.write_row`), converted the same way: the
server parses no statement and plans nothing per batch, where SQLAlchemy's multi-row INSERT
sends a statement of casts for every thousand rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, cast

import psycopg
import sqlalchemy as sa

from repairlink.store.db import driver_cursor
from repairlink.store.tables import MAPPED

# Fewer rows than this go by INSERT on PostgreSQL, not COPY: a COPY costs two round trips (it
# and its end) and the server's setting up of a copy, some 0.5 ms of its CPU for a reported
# issue's two audit rows against 0.07 ms a row inserted (pg_stat_statements); rows that need ids
# made first go by one INSERT ... RETURNING (three round trips: ids, COPY and its end)
FEW = 8
Convert = Callable[[Any], Any]
_NOTHING = object()
ToValues = Callable[[Any], Sequence[Any]]  # a row -> its values, in column order
# (table, dialect, row keys, rows are tuples) -> the columns written (the row's, then defaulted
# ones), and how a row becomes their values (None: a row is its values already)
_PLANS: dict[tuple[str, str, tuple[str, ...], bool], tuple[list[str], ToValues | None]] = {}


def insert_many(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows`, which all name the same columns (the others take their defaults)."""
    if rows:
        _insert(conn, table, tuple(rows[0]), rows, positional=False)


def insert_rows(
    conn: sa.Connection, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """`insert_many` of rows given as tuples of `columns`' values, in that order: no dict
    made and taken apart again for each row (a sync writes three rows a record)."""
    if rows:
        _insert(conn, table, columns, rows, positional=True)


class HeldRows:
    """Rows nothing reads before their transaction ends (a sync's audit and report rows),
    inserted together just before it does: one COPY a table a transaction on PostgreSQL,
    where one a page and kind cost two round trips each (the COPY's start and its end) and
    the writer waited for the server's every one. In the order they were held, per table
    and set of columns."""

    def __init__(self) -> None:
        self._rows: dict[tuple[sa.Table, tuple[str, ...]], list[tuple[Any, ...]]] = {}
        self.count = 0

    def add(self, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self._rows.setdefault((table, columns), []).extend(rows)
            self.count += len(rows)

    def insert(self, conn: sa.Connection) -> None:
        """Insert what is held, in the transaction about to end."""
        held = self._rows
        self.drop()
        for (table, columns), rows in held.items():
            insert_rows(conn, table, columns, rows)

    def drop(self) -> None:
        """Forget what is held: its transaction was rolled back."""
        self._rows, self.count = {}, 0


def _insert(
    conn: sa.Connection,
    table: sa.Table,
    keys: tuple[str, ...],
    rows: list[Any],
    *,
    positional: bool,
) -> None:
    names, to_values = _plan(conn.dialect, table, keys, positional)
    values = rows if to_values is None else [to_values(row) for row in rows]
    columns = ", ".join(f'"{name}"' for name in names)
    mark = "?"
    if conn.dialect.name == "postgresql":
        if len(values) >= FEW:
            _copy(conn, f'COPY "{table.name}" ({columns}) FROM STDIN', values)
            return
        mark = "%s"
    marks = ", ".join([mark] * len(names))
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
    conn.exec_driver_sql(sql, values)


def _copy(conn: sa.Connection, sql: str, rows: list[Sequence[Any]]) -> None:
    """COPY on the connection's own transaction; a constraint it breaks is raised as the
    IntegrityError any other insert would raise."""
    driver = cast("psycopg.Connection[Any]", conn.connection.driver_connection)
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.errors.IntegrityError as exc:
        raise sa.exc.IntegrityError(sql, None, exc) from exc


def _plan(
    dialect: sa.Dialect, table: sa.Table, keys: tuple[str, ...], positional: bool
) -> tuple[list[str], ToValues | None]:
    """The columns written (the rows' own, then those left to a plain default) and how a row
    becomes their values: the row's taken at once (`itemgetter`, for a dict), then converted
    by the columns' types where a type converts (dates, JSON), then the defaults made."""
    key = (table.name, dialect.name, keys, positional)
    if key not in _PLANS:
        defaulted = [
            c for c in table.c if c.key not in keys and isinstance(c.default, sa.ColumnDefault)
        ]
        names = [table.c[k].name for k in keys] + [c.name for c in defaulted]
        processed = [
            (i, process) for i, k in enumerate(keys) if (process := converter(table.c[k], dialect))
        ]
        made = [_default(c, dialect) for c in defaulted]
        _PLANS[key] = (names, _to_values(keys, processed, made, positional))
    return _PLANS[key]


def _to_values(
    keys: tuple[str, ...],
    processed: list[tuple[int, Convert]],
    made: list[Callable[[], Any]],
    positional: bool,
) -> ToValues | None:
    if positional and not processed and not made:
        return None  # a sync's references
    take: ToValues
    if positional:
        take = _itself
    else:  # itemgetter of one key answers the value, not a tuple of it
        take = itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
    if not processed and not made:
        return take  # skips

    def to_values(row: Any) -> tuple[Any, ...]:
        values = list(take(row))
        for i, process in processed:
            values[i] = process(values[i])
        values.extend(make() for make in made)
        return tuple(values)  # the driver's executemany takes tuples

    return to_values


def _itself(row: Sequence[Any]) -> Sequence[Any]:
    return row


def converter(column: sa.Column[Any], dialect: sa.Dialect) -> Convert | None:
    """How the column's values are made the driver's (as its type binds them); None: as
    they are."""
    process: Convert | None = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None or not _is_time(column.type):
        return process
    return _last_kept(process)  # times only: they cannot change under a kept answer


def _is_time(type_: sa.types.TypeEngine[Any]) -> bool:
    if isinstance(type_, sa.TypeDecorator):
        type_ = type_.impl_instance
    return isinstance(type_, (sa.DateTime, sa.Date))


def _last_kept(process: Convert) -> Convert:
    """`process`, answering its last answer again for the same object: a batch's rows share
    their time (a run's audit rows are all written "now"), and a date's conversion costs
    more than the rest of its row. The pair is swapped whole, so threads sharing a plan
    never see one value's answer given for another."""
    last: list[tuple[Any, Any]] = [(_NOTHING, None)]

    def convert(value: Any) -> Any:
        seen, answer = last[0]
        if value is seen:
            return answer
        answer = process(value)
        last[0] = (value, answer)
        return answer

    return convert


def _default(column: sa.Column[Any], dialect: sa.Dialect) -> Callable[[], Any]:
    """A column's plain default (a value, or a function called for each row), converted."""
    default = column.default
    if not isinstance(default, sa.ColumnDefault) or not (default.is_scalar or default.is_callable):
        raise ValueError(f"{column.table.name}.{column.key}: no value and no plain default")
    arg: Any = default.arg  # a value, or (SQLAlchemy's wrapping) a function of the context
    make: Callable[[], Any] = (lambda: arg(None)) if default.is_callable else (lambda: arg)
    process = converter(column, dialect)
    if process is None:
        return make
    return lambda: process(make())


def insert_returning_ids(
    conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], ids: IdBlocks | None = None
) -> list[int]:
    """Insert `rows` (none with an id) and return their new ids, in the order given (each
    row is given its id). `ids`: a writer's ids taken ahead (PostgreSQL)."""
    if not rows:
        return []
    if conn.dialect.name == "sqlite":
        first = _next_sqlite_id(conn, table)
        new_ids = list(range(first, first + len(rows)))
    elif conn.dialect.name == "postgresql" and len(rows) >= FEW:
        taking = ids.take if ids is not None else _next_postgresql_ids
        new_ids = taking(conn, table, len(rows))
    else:
        statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(conn.execute(statement, rows).scalars().all())
    for row, new in zip(rows, new_ids, strict=True):
        row["id"] = new
    insert_many(conn, table, rows)
    return new_ids


class IdBlocks:
    """New ids a writer takes from each table's sequence ahead of its inserts (PostgreSQL):
    a sync creating a page's records of a kind asked the server for their ids each time (750
    round trips at 20k Alto units). Each block is as large as the writer has taken so far in
    that table, up to `MOST`, so what is left unused when the writer ends (a gap in the ids,
    as a rolled-back insert leaves) is never more than it used, nor more than `MOST`."""

    MOST = 1_000

    def __init__(self) -> None:
        self._spare: dict[str, list[int]] = {}
        self._taken: dict[str, int] = {}

    def take(self, conn: sa.Connection, table: sa.Table, count: int) -> list[int]:
        spare = self._spare.setdefault(table.name, [])
        short = count - len(spare)
        if short > 0:
            block = max(short, min(self._taken.get(table.name, 0), self.MOST))
            spare.extend(_next_postgresql_ids(conn, table, block))
            self._taken[table.name] = self._taken.get(table.name, 0) + block
        given, self._spare[table.name] = spare[:count], spare[count:]
        return given


def _next_postgresql_ids(conn: sa.Connection, table: sa.Table, count: int) -> list[int]:
    # a sequence never hands out a value twice, whatever else inserts meanwhile
    sql = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
    with driver_cursor(conn) as cursor:
        cursor.execute(sql, (f'"{table.name}"', count))
        return sorted(new for (new,) in cursor)  # in the order taken: older rows, lower ids


def _next_sqlite_id(conn: sa.Connection, table: sa.Table) -> int:
    # one statement on the driver's cursor: SQLAlchemy's building of the two selects cost
    # more than SQLite's answering them (asked for every kind of every page a sync creates)
    sql = (
        f'SELECT max(coalesce((SELECT max(id) FROM "{table.name}"), 0),'
        " coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))"
    )
    with driver_cursor(conn) as cursor:
        highest: int = cursor.execute(sql, (table.name,)).fetchone()[0]
    return highest + 1


def insert_objects(conn: sa.Connection, objects: list[Any]) -> None:
    """Insert new (transient) domain objects of one class, as a flush would write them, and
    give each its id."""
    if not objects:
        return
    cls = type(objects[0])
    attrs = [a for a in sa.inspect(cls).column_attrs if a.key != "id"]
    rows = [_row_of(obj, attrs) for obj in objects]
    for a in attrs:  # a flush leaves out a None, so that the column's default applies
        column = a.columns[0]
        if column.default is not None or column.server_default is not None:
            if any(row[column.key] is None for row in rows):
                raise ValueError(f"{cls.__name__}.{a.key}: None where the column has a default")
    for obj, new_id in zip(objects, insert_returning_ids(conn, MAPPED[cls][0], rows), strict=True):
        obj.id = new_id


def _row_of(obj: Any, attrs: list[Any]) -> dict[str, Any]:
    """A new object's column values, read from its state's dict where set (the ORM's
    descriptor, per attribute, cost more than the insert's own work for an issue)."""
    held = sa.inspect(obj).dict
    return {a.columns[0].key: held[a.key] if a.key in held else getattr(obj, a.key) for a in attrs}
