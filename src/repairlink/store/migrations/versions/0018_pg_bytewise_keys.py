"""PostgreSQL: the keys a sync looks records up by compared byte by byte (COLLATE "C")

A PMS reference (its system, kind and id), a person's email and a unit's address key are
only ever compared for equality, never sorted for a person to read. Under the database's
own collation every comparison in their indexes goes through the C library's `strcoll`
(PostgreSQL before 17 takes its fast path for "C" and "POSIX" only, not "C.UTF-8", and an
agency's server is as likely to run en_US.UTF-8, several times slower again); bytewise,
a sync's look-ups of 300 references took 1.1 ms against 1.5 (measured in
docs/performance.md). Equality is the same either way, so no query changes and no row can
match differently. SQLite compares bytewise already (BINARY); nothing to do there. The
upgrade rebuilds the indexes on these columns, each table locked while it does: 0.1 s for
42,540 references here, some 2-3 s a million.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 10:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PEOPLE = ("occupiers", "landlords", "contractors", "agents", "rmcs")
# table -> (column, its type): each retyped in place, its indexes rebuilt with it
KEYS: dict[str, list[tuple[str, str]]] = {
    "external_refs": [
        ("entity_kind", "VARCHAR(32)"),
        ("system", "VARCHAR(32)"),
        ("external_id", "VARCHAR(128)"),
    ],
    "units": [("address_key", "VARCHAR(600)")],
    **{table: [("email", "VARCHAR(320)")] for table in PEOPLE},
}


def upgrade() -> None:
    _collate(' COLLATE "C"')


def downgrade() -> None:
    _collate(' COLLATE "default"')


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in KEYS.items():
        alters = ", ".join(
            f"ALTER COLUMN {column} TYPE {type_}{collation}" for column, type_ in columns
        )
        op.execute(f"ALTER TABLE {table} {alters}")
