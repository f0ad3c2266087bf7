"""the bridge: tokens scoped to one connection (hashed), and the commands handed to a bridge
client with its answers (docs/bridge.md)

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-03 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repairlink.store.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bridge_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("created_at", repairlink.store.types.UtcDateTime(), nullable=False),
        sa.Column("last_used_at", repairlink.store.types.UtcDateTime(), nullable=True),
        sa.Column("revoked_at", repairlink.store.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_bridge_tokens_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_bridge_tokens_connection_id_connections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bridge_tokens")),
        sa.UniqueConstraint("prefix", name=op.f("uq_bridge_tokens_prefix")),
    )
    op.create_index(op.f("ix_bridge_tokens_agency_id"), "bridge_tokens", ["agency_id"])
    op.create_index(op.f("ix_bridge_tokens_connection_id"), "bridge_tokens", ["connection_id"])
    op.create_table(
        "bridge_commands",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("op", sa.String(length=32), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", repairlink.store.types.UtcDateTime(), nullable=False),
        sa.Column("leased_until", repairlink.store.types.UtcDateTime(), nullable=True),
        sa.Column("answered_at", repairlink.store.types.UtcDateTime(), nullable=True),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_bridge_commands_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_bridge_commands_connection_id_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_bridge_commands_delivery_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bridge_commands")),
        sa.UniqueConstraint("connection_id", "key", name="uq_bridge_commands_connection_key"),
    )
    op.create_index(op.f("ix_bridge_commands_agency_id"), "bridge_commands", ["agency_id"])
    op.create_index("ix_bridge_commands_delivery", "bridge_commands", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("bridge_commands")
    op.drop_table("bridge_tokens")
