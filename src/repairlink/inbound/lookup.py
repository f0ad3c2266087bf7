"""Batch queries a page needs: one query per question, never one per record (principle 2)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from operator import itemgetter
from typing import Any

import orjson
import sqlalchemy as sa

from repairlink.inbound.kinds import spec
from repairlink.inbound.plan import ACTIVE, BY_SYNC
from repairlink.store.db import driver_cursor
from repairlink.store.tables import external_refs

CHUNK = 900  # below SQLite's bound-parameter limit


def _chunks(values: Collection[Any]) -> list[list[Any]]:
    items = list(values)
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def values(dialect: sa.Dialect, items: Collection[Any]) -> str | list[Any]:
    """A list bound as one parameter, so one statement SQLite and PostgreSQL prepare once
    whatever its length (an IN list is a new statement for every length): a JSON array
    for SQLite's `json_each`, an array for PostgreSQL's `= ANY`."""
    return orjson.dumps(list(items)).decode() if dialect.name == "sqlite" else list(items)


# On the driver's own cursor: SQLAlchemy's result rows cost about as much as the look-up
# itself (measured: 16-22 ms against 7-18 ms for 500 ids at 300k references, SQLite). Each
# branch answers (question, kind, key, our id, hash, agency) for a UNION ALL of several.
_REFS = (
    "SELECT 'ref', entity_kind, external_id, entity_id, content_hash, agency_id"
    " FROM external_refs WHERE agency_id = {0} AND system = {0} AND entity_kind = {0}"
    " AND external_id {1}"
)
_MATCH = (
    'SELECT CAST({0} AS VARCHAR), CAST({0} AS VARCHAR), "{2}", id, CAST(NULL AS VARCHAR),'
    ' agency_id FROM "{3}" WHERE "{2}" {1}'
)
_MARK = {"sqlite": "?", "postgresql": "%s"}
_ANY = {"sqlite": "IN (SELECT value FROM json_each(?))", "postgresql": "= ANY(%s::varchar[])"}
_REFS_SQL = {dialect: _REFS.format(_MARK[dialect], _ANY[dialect]) for dialect in _MARK}
Found = dict[tuple[str, str], tuple[int, str | None]]  # (kind, PMS id) -> (our id, hash)
MatchKey = tuple[str, str]  # (kind, column): AL-09's look-up of a kind by email or address
Matches = dict[MatchKey, dict[Any, int]]  # value -> the platform record that has it


def refs(
    conn: sa.Connection, agency_id: int, system: str, kind: str, external_ids: Collection[str]
) -> dict[str, tuple[int, str | None]]:
    """PMS id -> (our id, content hash) for records that already carry this PMS's reference."""
    found = refs_of_kinds(conn, agency_id, system, {kind: external_ids})
    return {external_id: ids for (_, external_id), ids in found.items()}


def refs_of_kinds(
    conn: sa.Connection, agency_id: int, system: str, wanted: Mapping[str, Collection[str]]
) -> Found:
    """`refs` for several kinds in one statement (one round trip on PostgreSQL)."""
    return refs_and_matches(conn, agency_id, system, wanted, {})[0]


def kinds_with_refs(
    conn: sa.Connection, agency_id: int, system: str, kinds: Collection[str]
) -> set[str]:
    """Which of these kinds have at least one record bearing this PMS's reference."""
    refs = external_refs.c
    kinds = list(kinds)
    mine = (refs.agency_id == agency_id) & (refs.system == system)
    asked = [(mine & (refs.entity_kind == kind), refs.external_id) for kind in kinds]
    return {kind for kind, has in zip(kinds, _each_exists(conn, asked), strict=True) if has}


def tables_with_records(
    conn: sa.Connection, agency_id: int, tables: Collection[sa.Table]
) -> set[str]:
    """The names of those of `tables` that hold at least one record of the agency."""
    tables = list(tables)
    asked = [(table.c.agency_id == agency_id, table.c.agency_id) for table in tables]
    return {t.name for t, has in zip(tables, _each_exists(conn, asked), strict=True) if has}


def _each_exists(
    conn: sa.Connection, asked: Sequence[tuple[sa.ColumnElement[bool], sa.Column[Any]]]
) -> list[bool]:
    """Whether any row meets each condition, in one statement: each the first row in the
    order of an index that the condition starts (`EXISTS` was planned as a scan of the
    table, on the guess that a match comes early: 21 ms at 100k Alto units' references,
    where a kind's rows lie together at the table's end)."""
    if not asked:
        return []
    firsts = [
        sa.select(sa.literal(1)).where(condition).order_by(by).limit(1).scalar_subquery()
        for condition, by in asked
    ]
    row = conn.execute(sa.select(*(first.is_not(None) for first in firsts))).one()
    return [bool(has) for has in row]


def by_column(
    conn: sa.Connection, agency_id: int, kind: str, column: str, values: Collection[Any]
) -> dict[Any, int]:
    """AL-09: value of `column` (email, address key) -> the platform record that has it."""
    return refs_and_matches(conn, agency_id, "", {}, {(kind, column): values})[1].get(
        (kind, column), {}
    )


def refs_and_matches(
    conn: sa.Connection,
    agency_id: int,
    system: str,
    refs_wanted: Mapping[str, Collection[str]],
    matches_wanted: Mapping[MatchKey, Collection[Any]],
) -> tuple[Found, Matches]:
    """References of several kinds and AL-09's matches by several columns, in one statement:
    each kind's and each column's its own branch of a UNION ALL, so that each is looked up
    by its index as if alone.

    A column with an index of its own (email) is looked up by that index and the agency
    checked here: given both conditions, SQLite walks the agency's index instead, every
    record of the agency for every page. One indexed with the agency (a unit's address key)
    is looked up by both."""
    dialect = conn.dialect
    branches: list[str] = []
    params: list[Any] = []
    for kind, ids in refs_wanted.items():
        if ids:
            branches.append(_REFS_SQL[dialect.name])
            params += [agency_id, system, kind, values(dialect, ids)]
    for (kind, column), asked in matches_wanted.items():
        if wanted := {v for v in asked if v}:
            sql, extra = _match_branch(dialect.name, spec(kind).table, column, agency_id)
            branches.append(sql)
            params += [column, kind, values(dialect, wanted), *extra]
    if not branches:
        return {}, {}
    found: Found = {}
    matched = []
    with driver_cursor(conn) as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)
        for question, kind, key, entity_id, digest, owner in cursor:
            if question == "ref":
                found[(kind, key)] = (entity_id, digest)
            elif owner == agency_id:  # C-01
                matched.append((kind, question, key, entity_id))
    matches: Matches = {}
    # the oldest record with a value wins: in id order, as no ORDER BY keeps each plan on its index
    for kind, column, key, entity_id in sorted(matched, key=itemgetter(3)):
        matches.setdefault((kind, column), {}).setdefault(key, entity_id)
    return found, matches


def _match_branch(
    dialect: str, table: sa.Table, column: str, agency_id: int
) -> tuple[str, list[Any]]:
    """A UNION ALL branch for the live records of `table` with one of the values in `column`
    (what each of their params is: the column's name, the kind, the values, then these)."""
    mark = _MARK[dialect]
    sql = _MATCH.format(mark, _ANY[dialect], column, table.name)
    extra: list[Any] = []
    if not _indexed_alone(table, column):
        sql += f" AND agency_id = {mark}"
        extra.append(agency_id)
    if "merged_into_id" in table.c:
        sql += " AND merged_into_id IS NULL"
    return sql, extra


def _indexed_alone(table: sa.Table, column: str) -> bool:
    return any([c.name for c in index.columns] == [column] for index in table.indexes)


def rows(conn: sa.Connection, kind: str, ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """Current values of our records, with their active / archived-by-sync state."""
    kind_spec = spec(kind)
    table = kind_spec.table
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for row in conn.execute(sa.select(table).where(table.c.id.in_(chunk))).mappings():
            values = dict(row)
            values[ACTIVE], values[BY_SYNC] = kind_spec.state(values)
            found[values["id"]] = values
    return found


def with_live_children(
    conn: sa.Connection, child_kind: str, link: str, live: str, parent_ids: Collection[int]
) -> set[int]:
    """Which of these records still have a live child (e.g. an active tenancy)."""
    table = spec(child_kind).table
    found: set[int] = set()
    for chunk in _chunks(parent_ids):
        found.update(
            conn.execute(
                sa.select(table.c[link]).where(table.c[link].in_(chunk), table.c[live].is_(True))
            ).scalars()
        )
    return found
