"""drop single-column indexes that a composite index starting with the same column makes
redundant: every sync inserting units, owners' and RMCs' links, or work orders paid for them

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 17:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

REDUNDANT = {
    "units": ("ix_units_agency_id", "agency_id"),  # ix_units_agency_address_key starts with it
    "unit_landlords": ("ix_unit_landlords_unit_id", "unit_id"),  # unique (unit_id, landlord_id)
    "building_rmcs": (
        "ix_building_rmcs_building_id",
        "building_id",
    ),  # unique (building_id, rmc_id)
    "issues": ("ix_issues_agency_id", "agency_id"),  # uq_issues_agency_number
}


def upgrade() -> None:
    for table, (index, _column) in REDUNDANT.items():
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for table, (index, column) in REDUNDANT.items():
        op.create_index(index, table, [column])
