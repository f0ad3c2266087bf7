"""deliveries.scheduled_retry_at: the automatic retry a "Sync now" moved earlier

"Sync now" (and "Sync all") make a waiting delivery due at once. Its automatic retry's time is
kept here, so that a failed extra attempt goes back to it rather than counting as one more
failure on the back-off schedule (which pushed the next retry hours later and dead-lettered the
delivery after nine clicks in an outage). Null: no such attempt outstanding.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("scheduled_retry_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("scheduled_retry_at")
