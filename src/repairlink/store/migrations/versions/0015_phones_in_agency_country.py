"""phone numbers written without their country, read as British in an agency of another country,
read again as dialled there

Until the phones were read in the agency's country (its locale), a number written without
one ("(415) 555-3628" from Propertyware, a form, a sync) was read as British in every agency
and stored as +44 4155553628. Here, in every agency whose locale is not British, a stored +44
number that no British number is (libphonenumber's validity) and that is a valid number of the
agency's country when read as dialled there is rewritten (+1 415-555-3628), and the change is
audited as the system's. A valid British number is left as it is: a US agency may have British
contacts. Self-contained (no import of the application), as migrations are.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

LABEL = "phone numbers read in the agency's country (migration 0015)"
PEOPLE = {
    "occupiers": "occupier",
    "landlords": "landlord",
    "contractors": "contractor",
    "agents": "agent",
    "rmcs": "rmc",
}
COLUMNS = {**{table: ("phone", "phone2") for table in PEOPLE}, "issues": ("reporter_phone",)}
KINDS = {**PEOPLE, "issues": "issue"}

_audit = sa.table(
    "audit_log",
    sa.column("agency_id", sa.Integer),
    sa.column("entity_kind", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("actor_kind", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_label", sa.Text),
    sa.column("changes", sa.JSON),
    sa.column("at", sa.DateTime),
)


def as_dialled_in(number: str, region: str) -> str | None:
    """What a stored +44 number should have been in an agency of `region`; None when it
    stands (a valid British number, or not a valid number of the region either)."""
    try:
        stored = phonenumbers.parse(number)
        if stored.country_code != 44 or phonenumbers.is_valid_number(stored):
            return None
        there = phonenumbers.parse(number[3:], region)  # the digits as they were written
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(there):
        return None
    return phonenumbers.format_number(there, phonenumbers.PhoneNumberFormat.E164)


def upgrade() -> None:
    conn = op.get_bind()
    agencies = conn.execute(sa.text("SELECT id, locale FROM agencies")).all()
    now = datetime.now(UTC).replace(tzinfo=None)  # audit times are stored as naive UTC
    for agency_id, locale in agencies:
        region = (locale or "en_GB").split("_")[-1].upper()
        if region != "GB":
            _repair_agency(conn, agency_id, region, now)


def _repair_agency(conn: sa.Connection, agency_id: int, region: str, now: datetime) -> None:
    for table, columns in COLUMNS.items():
        audits = []
        for column in columns:
            rows = conn.execute(
                sa.text(
                    f'SELECT id, "{column}" FROM "{table}"'
                    f" WHERE agency_id = :agency AND \"{column}\" LIKE '+44%'"
                ),
                {"agency": agency_id},
            ).all()
            for row_id, number in rows:
                fixed = as_dialled_in(number, region)
                if fixed is None:
                    continue
                conn.execute(
                    sa.text(f'UPDATE "{table}" SET "{column}" = :fixed WHERE id = :id'),
                    {"fixed": fixed, "id": row_id},
                )
                audits.append(
                    {
                        "agency_id": agency_id,
                        "entity_kind": KINDS[table],
                        "entity_id": row_id,
                        "action": "updated",
                        "actor_kind": "system",
                        "actor_id": None,
                        "actor_label": LABEL,
                        "changes": {column: [number, fixed]},
                        "at": now,
                    }
                )
        if audits:
            conn.execute(_audit.insert(), audits)


def downgrade() -> None:
    """Nothing to undo: the numbers written before were wrong."""
