"""Run reports (S-06) and reconciliations (PW-09) as the agency sees them: every query
agency-scoped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from repairlink.errors import NotFoundError
from repairlink.services.pagination import Page, decode_cursor, encode_cursor, newest_first
from repairlink.store.sync_tables import (
    connections,
    reconciliation_runs,
    sync_changes,
    sync_quarantine,
    sync_runs,
    sync_skips,
)
from repairlink.store.uow import UnitOfWork

Row = dict[str, Any]


def _with_system(uow: UnitOfWork, table: sa.Table) -> sa.Select[Any]:
    """The agency's rows of a table of runs, each with its connection's PMS."""
    return (
        sa.select(table, connections.c.system)
        .join(connections, connections.c.id == table.c.connection_id)
        .where(table.c.agency_id == uow.agency)
    )


def _one(uow: UnitOfWork, query: sa.Select[Any], missing: NotFoundError) -> Row:
    with uow.reading():
        row = uow.session.connection().execute(query).mappings().first()
    if row is None:
        raise missing
    return dict(row)


def get_run(uow: UnitOfWork, run_id: int) -> Row:
    missing = NotFoundError(
        "sync_run.not_found", f"No sync run {run_id}", field="run_id", rule="C-01"
    )
    return _one(uow, _with_system(uow, sync_runs).where(sync_runs.c.id == run_id), missing)


def list_runs(uow: UnitOfWork, *, cursor: str | None = None, limit: int = 50) -> Page[Row]:
    """Newest first."""
    return newest_first(uow, _with_system(uow, sync_runs), sync_runs.c.id, cursor, limit)


def _details(
    uow: UnitOfWork, table: sa.Table, run_id: int, cursor: str | None, limit: int, kind: str | None
) -> Page[Row]:
    get_run(uow, run_id)  # agency check (C-01)
    t = table.c
    query = sa.select(table).where(t.run_id == run_id).order_by(t.id).limit(limit + 1)
    if kind:
        query = query.where(t.kind == kind)
    if cursor:
        query = query.where(t.id > decode_cursor(cursor))
    with uow.reading():
        rows = [dict(x) for x in uow.session.connection().execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1]["id"]) if more else None)


def _detail_list(table: sa.Table, doc: str) -> Callable[..., Page[Row]]:
    def listing(
        uow: UnitOfWork,
        run_id: int,
        *,
        kind: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> Page[Row]:
        return _details(uow, table, run_id, cursor, limit, kind)

    listing.__doc__ = doc
    return listing


skipped = _detail_list(sync_skips, "S-06: each record the run skipped, with rule and reason.")
quarantined = _detail_list(
    sync_quarantine, "S-04: each record the run could not take, with the reason and payload."
)
planned_changes = _detail_list(sync_changes, "S-07: a dry run's changes, per record and per field.")


def get_reconciliation(uow: UnitOfWork, reconciliation_id: int) -> Row:
    missing = NotFoundError(
        "reconciliation.not_found",
        f"No reconciliation {reconciliation_id}",
        field="reconciliation_id",
        rule="C-01",
    )
    query = _with_system(uow, reconciliation_runs)
    return _one(uow, query.where(reconciliation_runs.c.id == reconciliation_id), missing)


def list_reconciliations(
    uow: UnitOfWork, *, cursor: str | None = None, limit: int = 50
) -> Page[Row]:
    """Newest first (PW-09)."""
    query = _with_system(uow, reconciliation_runs)
    return newest_first(uow, query, reconciliation_runs.c.id, cursor, limit)
