"""PostgreSQL: no foreign key from a row's agency to `agencies`, nor from a run's report rows to
their run

PostgreSQL checks a foreign key row by row, a statement of its own on the server for each
(a share lock on the agency's or the run's row included): half of the server's cost of each
row a sync writes in bulk (its records, references, audit and skip rows; measured in
docs/performance.md). These two keys checked nothing that can be wrong: every row's agency is
its unit of work's (C-01) and no agency is ever deleted; a report row is written by its own
run's writer, in the run's transaction, and no run is ever deleted. The keys between records
(a tenancy's unit, a unit's building) stay. SQLite keeps these keys: it checks each in-process
for about a microsecond, and dropping one there would rebuild the table. The application's
table metadata keeps them too (the ORM orders a flush's inserts by them).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# a run's per-record report rows -> their run
REPORTS = {
    "sync_skips": "sync_runs",
    "sync_changes": "sync_runs",
    "sync_quarantine": "sync_runs",
    "reconciliation_snapshot": "reconciliation_runs",
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, name in _unchecked_keys(bind):
        op.drop_constraint(name, table, type_="foreignkey")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in _tables_with_agency(bind):
        op.create_foreign_key(
            f"fk_{table}_agency_id_agencies", table, "agencies", ["agency_id"], ["id"]
        )
    for table, runs in REPORTS.items():
        op.create_foreign_key(
            f"fk_{table}_run_id_{runs}", table, runs, ["run_id"], ["id"], ondelete="CASCADE"
        )


def _unchecked_keys(bind: sa.Connection) -> list[tuple[str, str]]:
    """(table, constraint) of each key to agencies, and of each report row's key to its run."""
    rows = bind.execute(
        sa.text(
            "SELECT c.conrelid::regclass::text, c.conname, c.confrelid::regclass::text "
            "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 'f' AND n.nspname = current_schema()"
        )
    )
    return [
        (table, name)
        for table, name, target in rows
        if target == "agencies" or REPORTS.get(table) == target
    ]


def _tables_with_agency(bind: sa.Connection) -> list[str]:
    rows = bind.execute(
        sa.text(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'agency_id' "
            "ORDER BY table_name"
        )
    )
    return [table for (table,) in rows]
