"""issues: the cost code chosen from the building's (block management, PM-04)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issues") as batch:
        batch.add_column(sa.Column("cost_code_id", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_issues_cost_code_id_cost_codes", "cost_codes", ["cost_code_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("issues") as batch:
        batch.drop_constraint("fk_issues_cost_code_id_cost_codes", type_="foreignkey")
        batch.drop_column("cost_code_id")
