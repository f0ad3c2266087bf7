"""webhook_subscriptions.secret: text, as it is now kept sealed (Fernet), longer than the clear
whsec_ secret it was sized for. Rows written in clear before still open; `repairlink keys
reencrypt` seals them.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_subscriptions") as batch:
        batch.alter_column("secret", type_=sa.Text(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_subscriptions") as batch:
        batch.alter_column("secret", type_=sa.String(128), existing_nullable=False)
