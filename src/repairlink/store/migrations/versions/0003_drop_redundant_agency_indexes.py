"""drop the agency_id indexes that a composite index starting with agency_id makes redundant

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 19:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

REDUNDANT = {
    "audit_log": "ix_audit_log_agency_id",  # ix_audit_log_entity starts with agency_id
    "external_refs": "ix_external_refs_agency_id",  # so does uq_external_refs_identity
}


def upgrade() -> None:
    for table, index in REDUNDANT.items():
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for table, index in REDUNDANT.items():
        op.create_index(index, table, ["agency_id"])
