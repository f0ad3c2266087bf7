"""agencies: locale and time zone (how the console writes money and dates); documents: the quote
a contractor's quote document belongs to

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("locale", sa.String(16), nullable=False, server_default="en_GB"))
        batch.add_column(
            sa.Column("time_zone", sa.String(64), nullable=False, server_default="Europe/London")
        )
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("quote_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_documents_quote_id_quotes", "quotes", ["quote_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("fk_documents_quote_id_quotes", type_="foreignkey")
        batch.drop_column("quote_id")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("time_zone")
        batch.drop_column("locale")
