"""Core statements compiled once for each database and run on the driver's own cursor.

For the statements every delivery runs (its claim, its facts, its attempt, its move):
through SQLAlchemy's execution each cost 30-140 us of Python (its execution context,
parameters and result rows built anew, an IN list rendered again) against a few for SQLite's
or PostgreSQL's answer, and a delivery's round runs eight (bench/change_cpu.py,
docs/performance.md). The statement is still written with Core, and its values and columns
still go through SQLAlchemy's own type processing for the dialect (dates, JSON, booleans):
what is skipped is rebuilding the execution for each call. SQLAlchemy has no public way to
run a compiled statement again, so this reads a few of its compiler's attributes
(`_bind_processors`, `_result_columns`); SQLAlchemy is pinned in uv.lock, and the way out's
tests run every statement here on both databases. A statement that needs SQLAlchemy at run
time (a value rendered into its text, a column default computed in Python) is refused when
first compiled.

Listeners to the engine's `after_cursor_execute` (bench/db_meter.py) still hear each one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

Processor = Callable[[Any], Any] | None
Shape = tuple[int, ...]  # the length of each expanding list of values, in the lists' order


@dataclass(frozen=True)
class _Plan:
    """A statement as one dialect runs it, for one length of each expanding list."""

    sql: str
    names: tuple[str, ...]  # its values' names, in the order a positional driver takes them
    positional: bool
    fixed: Mapping[str, Any]  # values written into the statement (`state == "pending"`)
    expanded: Mapping[str, Sequence[str]]  # a list's name -> the names of its items' values
    processors: Mapping[str, Callable[[Any], Any]]  # by name: a value as the driver takes it
    columns: tuple[str, ...]  # what each answered row's columns are called
    types: tuple[Any, ...]  # each column's type, whose processor reads the driver's value


def _compiled(stmt: Any, dialect: sa.Dialect, keys: Sequence[str] | None) -> Any:
    compiled: Any = stmt.compile(dialect=dialect, column_keys=keys)
    if compiled.literal_execute_params or compiled.escaped_bind_names:
        raise ValueError("a value rendered into the statement needs SQLAlchemy's execution")
    if compiled.insert_prefetch or compiled.update_prefetch:
        raise ValueError("a column default computed in Python needs SQLAlchemy's execution")
    return compiled


def _plan(compiled: Any, dialect: sa.Dialect, lists: Sequence[str], shape: Shape) -> _Plan:
    """The statement with each expanding list rendered for its length in `shape` (SQLAlchemy
    renders one as each run's values come)."""
    binds = compiled.bind_names.items()
    fixed = {name: bind.effective_value for bind, name in binds if not bind.required}
    sql, names = compiled.string, compiled.positiontup or list(compiled.bind_names.values())
    processors, expanded = dict(compiled._bind_processors), {}
    if lists:
        placeholders = {name: None for _, name in binds} | {
            name: [None] * length for name, length in zip(lists, shape, strict=True)
        }
        state = compiled.construct_expanded_state(placeholders, escape_names=False)
        sql, expanded = state.statement, dict(state.parameter_expansion)
        names = state.positiontup or list(state.parameters)
        processors |= state.processors
    columns = compiled._result_columns or []
    return _Plan(
        sql=sql,
        names=tuple(names),
        positional=bool(compiled.positional),
        fixed=fixed,
        expanded=expanded,
        processors=processors,
        columns=tuple(str(c.keyname) for c in columns),  # plain str: JSON takes no other
        types=tuple(c.type for c in columns),
    )


class Precompiled:
    """`stmt` run on the driver's cursor of the connection's transaction: `rows` for what it
    answers (a SELECT, or RETURNING), `run` for a write of one or many rows (executemany).
    `keys`: the columns an INSERT or UPDATE is given values for, as SQLAlchemy compiles one
    for the keys of the values it is run with. An expanding list (`bindparam(expanding=True)`)
    is rendered once for each length it comes in, for up to `SHAPES` combinations of lengths;
    past those, a run goes through SQLAlchemy's execution (a batch's many lists of every
    length would otherwise be kept forever)."""

    SHAPES = 32

    def __init__(self, stmt: sa.Executable, keys: Sequence[str] | None = None) -> None:
        self.stmt = stmt
        self.keys = list(keys) if keys is not None else None
        self._compiled: dict[str, tuple[Any, tuple[str, ...]]] = {}
        self._plans: dict[tuple[str, Shape], _Plan] = {}
        self._results: dict[str, tuple[Processor, ...]] = {}  # by dialect, from a first answer
        self._lock = threading.Lock()

    def _plan_for(self, dialect: sa.Dialect, params: Mapping[str, Any]) -> _Plan | None:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = _compiled(self.stmt, dialect, self.keys)
            names = sorted(compiled.bind_names[bind] for bind in compiled.post_compile_params)
            found = (compiled, tuple(names))
            self._compiled[dialect.name] = found
        compiled, lists = found
        shape = tuple(len(params[name]) for name in lists)
        plan = self._plans.get((dialect.name, shape))
        if plan is None and lists and len(self._plans) >= self.SHAPES:
            return None
        if plan is None:
            with self._lock:
                plan = self._plans.setdefault(
                    (dialect.name, shape), _plan(compiled, dialect, lists, shape)
                )
        return plan

    def rows(self, conn: sa.Connection, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        plan = self._plan_for(conn.dialect, params)
        if plan is None:
            return [dict(row) for row in conn.execute(self.stmt, params).mappings()]
        values = _values(plan, params)
        cursor = _cursor(conn)
        try:
            cursor.execute(plan.sql, values)
            _heard(conn, cursor, plan.sql, values, many=False)
            found = cursor.fetchall()
            if not found:
                return []
            results = self._results.get(conn.dialect.name)
            if results is None:  # as SQLAlchemy's, by the driver's type of each column
                results = tuple(
                    type_._cached_result_processor(conn.dialect, described[1])
                    for type_, described in zip(plan.types, cursor.description, strict=True)
                )
                self._results[conn.dialect.name] = results
        finally:
            cursor.close()
        return [_row(plan.columns, results, row) for row in found]

    def run(
        self, conn: sa.Connection, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> int:
        """Rows changed; a list of values runs the statement once for each (executemany)."""
        each = [params] if isinstance(params, Mapping) else list(params)
        if not each:
            return 0
        plan = self._plan_for(conn.dialect, each[0])
        if plan is None:
            return int(conn.execute(self.stmt, params).rowcount)
        cursor = _cursor(conn)
        try:
            many = not isinstance(params, Mapping)
            values: Any = [_values(plan, one) for one in each]
            if many:
                cursor.executemany(plan.sql, values)
            else:
                values = values[0]  # and so to the listeners: one run's values, as SQLAlchemy's
                cursor.execute(plan.sql, values)
            _heard(conn, cursor, plan.sql, values, many=many)
            return int(cursor.rowcount)
        finally:
            cursor.close()


def _cursor(conn: sa.Connection) -> Any:
    """The driver's cursor, in a transaction SQLAlchemy knows of, as its own execution would
    begin one: else SQLAlchemy would not end it (a read's COMMIT would be skipped, and the
    pool's ROLLBACK makes psycopg forget the statements it has prepared), and SQLite's reads
    would not share one snapshot."""
    if not conn.in_transaction():
        conn.begin()
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr]


def _values(plan: _Plan, params: Mapping[str, Any]) -> Any:
    """The statement's values as the driver takes them: in order, or by name."""
    given = {**plan.fixed, **params} if plan.fixed else params
    if plan.expanded:  # each list's items by the names its rendering gave them
        given = dict(given)
        for name, item_names in plan.expanded.items():
            given.update(zip(item_names, given[name], strict=True))
    missing = [name for name in plan.names if name not in given]
    if missing:
        raise KeyError(f"no value for {', '.join(sorted(set(missing)))}")
    processors = plan.processors

    def value(name: str) -> Any:
        raw = given[name]
        processor = processors.get(name)
        return processor(raw) if processor is not None else raw

    if plan.positional:
        return tuple(value(name) for name in plan.names)
    return {name: value(name) for name in plan.names}


def _row(
    columns: Sequence[str], results: Sequence[Processor], row: Sequence[Any]
) -> dict[str, Any]:
    return {
        name: (result(value) if result is not None else value)
        for name, result, value in zip(columns, results, row, strict=True)
    }


def _heard(conn: sa.Connection, cursor: Any, sql: str, values: Any, *, many: bool) -> None:
    """Tell the engine's listeners, as SQLAlchemy's own execution would (bench/db_meter.py)."""
    if conn._has_events or conn.engine._has_events:
        conn.dispatch.after_cursor_execute(conn, cursor, sql, values, None, many)


class _Qualified(ColumnElement[Any]):
    """A scalar subquery whose columns keep their tables' names wherever it is rendered."""

    inherit_cache = True
    _traverse_internals = [("inner", InternalTraversal.dp_clauseelement)]

    def __init__(self, inner: sa.ScalarSelect[Any]) -> None:
        self.inner = inner
        self.type = inner.type


@compiles(_Qualified)
def _render_qualified(element: _Qualified, compiler: Any, **kw: Any) -> str:
    kw["include_table"] = True
    return str(compiler.process(element.inner, **kw))


def qualified(subquery: sa.ScalarSelect[Any]) -> ColumnElement[Any]:
    """`subquery` for a RETURNING clause: SQLite's compiler leaves the tables' names out of
    every column there, and inside a subquery an unqualified `id` means the subquery's table,
    not the row being changed."""
    return _Qualified(subquery)
