"""reconciliation runs and their snapshots (PW-09)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repairlink.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reconciliation_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", repairlink.store.types.UtcDateTime(), nullable=False),
        sa.Column("finished_at", repairlink.store.types.UtcDateTime(), nullable=True),
        sa.Column("listed", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("deactivated", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_reconciliation_runs_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_reconciliation_runs_connection_id_connections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_runs")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("reconciliation_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reconciliation_runs_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reconciliation_runs_connection_id"), ["connection_id"], unique=False
        )

    op.create_table(
        "reconciliation_snapshot",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["reconciliation_runs.id"],
            name=op.f("fk_reconciliation_snapshot_run_id_reconciliation_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_snapshot")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("reconciliation_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reconciliation_snapshot_run_id"), ["run_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reconciliation_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reconciliation_snapshot_run_id"))

    op.drop_table("reconciliation_snapshot")
    with op.batch_alter_table("reconciliation_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reconciliation_runs_connection_id"))
        batch_op.drop_index(batch_op.f("ix_reconciliation_runs_agency_id"))

    op.drop_table("reconciliation_runs")
