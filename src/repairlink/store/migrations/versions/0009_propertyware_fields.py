"""Propertyware (PW-04, PW-06): units keep the PMS's integration data; occupiers the unit and
move-in/move-out dates a sync may still change; issues the PMS user id of their manager

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("integration_data", sa.JSON, nullable=True))
    # a table SQLite rebuilds keeps AUTOINCREMENT only if told: ids are never reused (H-04)
    with op.batch_alter_table("occupiers", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("unit_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("move_in", sa.Date, nullable=True))
        batch.add_column(sa.Column("move_out", sa.Date, nullable=True))
        batch.create_foreign_key("fk_occupiers_unit_id_units", "units", ["unit_id"], ["id"])
    with op.batch_alter_table("issues", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("manager_ref", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issues", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("manager_ref")
    # a table SQLite rebuilds keeps AUTOINCREMENT only if told: ids are never reused (H-04)
    with op.batch_alter_table("occupiers", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint("fk_occupiers_unit_id_units", type_="foreignkey")
        batch.drop_column("move_out")
        batch.drop_column("move_in")
        batch.drop_column("unit_id")
    with op.batch_alter_table("units", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("integration_data")
