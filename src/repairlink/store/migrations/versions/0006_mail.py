"""mail: messages, per-agency switches, set-your-own-password links (docs/notifications.md)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repairlink.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_switches",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_mail_switches_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("agency_id", "kind", name=op.f("pk_mail_switches")),
    )
    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("occupier_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", repairlink.store.types.UtcDateTime(), nullable=False),
        sa.Column("expires_at", repairlink.store.types.UtcDateTime(), nullable=False),
        sa.Column("used_at", repairlink.store.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_password_links_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_links_token_hash")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_password_links_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_password_links_occupier_id"), ["occupier_id"], unique=False
        )

    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("recipient_name", sa.String(length=255), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", repairlink.store.types.UtcDateTime(), nullable=False),
        sa.Column("sent_at", repairlink.store.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_mail_messages_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["outbox.id"], name=op.f("fk_mail_messages_event_id_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index("ix_mail_messages_issue", ["agency_id", "issue_id"], unique=False)
        batch_op.create_index(
            "ix_mail_messages_recipient",
            ["agency_id", "recipient_kind", "recipient_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_messages_recipient")
        batch_op.drop_index("ix_mail_messages_issue")

    op.drop_table("mail_messages")
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_links_occupier_id"))
        batch_op.drop_index(batch_op.f("ix_password_links_agency_id"))

    op.drop_table("password_links")
    op.drop_table("mail_switches")
