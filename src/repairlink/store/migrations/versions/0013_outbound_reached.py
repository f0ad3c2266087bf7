"""deliveries.reached: whether an attempt may have reached the destination

A retry looks for what an earlier attempt may have made (a PMS's work order) only when one
could have: an attempt the PMS refused before acting (429, 503, connection refused) made
nothing. Deliveries tried before this revision are taken as reached.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "deliveries", sa.Column("reached", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.execute("UPDATE deliveries SET reached = (attempts > 0)")


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("reached")
