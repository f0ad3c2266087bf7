"""Every table, and the imperative mapping of the domain classes onto them.

The domain classes import nothing from SQLAlchemy; this module is the only place that knows
how they are stored. Every row carries `agency_id` (C-01).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import registry

from repairlink.domain import agency, audit, issues, people, places
from repairlink.store.types import UtcDateTime, enum_column

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
mapper_registry = registry(metadata=metadata)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _agency(*, indexed: bool = True) -> sa.Column[int]:
    """`indexed=False` where a composite index starts with the agency already: one b-tree
    fewer to write for every row (the sync writes these tables by the hundred thousand).
    On PostgreSQL the key to `agencies` is not in the database (migration 0017: it cost half
    of a bulk row's server time and checked what cannot be wrong); the ORM orders a flush's
    inserts by it, so it stays here."""
    return sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False, index=indexed)


def _text(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(255), nullable=nullable, default="" if not nullable else None)


def _person_columns() -> list[sa.Column[Any]]:
    return [
        _id(),
        _agency(),
        _text("title"),
        _text("first_name"),
        _text("surname"),
        _text("company"),
        sa.Column("email", sa.String(320), index=True),
        sa.Column("phone", sa.String(32)),
        sa.Column("phone2", sa.String(32)),
        sa.Column("address", sa.Text, nullable=False, default=""),
        sa.Column("archived_at", UtcDateTime),
        # who archived: a sync restores only what a sync archived (never a person's decision)
        sa.Column("archived_by", sa.String(32)),
    ]


def _address_columns() -> list[sa.Column[Any]]:
    return [_text(n) for n in ("flat", "line2", "line3", "town", "county", "postcode")]


agencies = sa.Table(
    "agencies",
    metadata,
    _id(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("slug", sa.String(64), nullable=False, unique=True),
    sa.Column("feedback_enabled", sa.Boolean, nullable=False, default=False),
    sa.Column("costs_option", enum_column(agency.CostsOption), nullable=False),
    sa.Column("invoice_option", enum_column(agency.InvoiceOption), nullable=False),
    sa.Column("only_display_uploaded_properties", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UtcDateTime),
    sa.Column("locale", sa.String(16), nullable=False, server_default="en_GB"),
    sa.Column("time_zone", sa.String(64), nullable=False, server_default="Europe/London"),
)
users = sa.Table(
    "users",
    metadata,
    _id(),
    _agency(),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    _text("name"),
    sa.Column("role", enum_column(agency.Role), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("subject_id", sa.Integer),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime),
)
api_keys = sa.Table(
    "api_keys",
    metadata,
    _id(),
    _agency(),
    _text("name"),
    sa.Column("role", enum_column(agency.Role), nullable=False),
    sa.Column("prefix", sa.String(32), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(255), nullable=False),
    sa.Column("subject_id", sa.Integer),
    sa.Column("created_at", UtcDateTime),
    sa.Column("revoked_at", UtcDateTime),
)
sessions = sa.Table(
    "sessions",
    metadata,
    _id(),
    _agency(),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)
estates = sa.Table("estates", metadata, _id(), _agency(), _text("name"), _text("ref"))
buildings = sa.Table(
    "buildings",
    metadata,
    _id(),
    _agency(),
    _text("name"),
    _text("ref"),
    sa.Column("estate_id", sa.ForeignKey("estates.id")),
    _text("line1"),
    *_address_columns()[1:],
    sa.Column("property_manager_id", sa.ForeignKey("agents.id")),
)
units = sa.Table(
    "units",
    metadata,
    _id(),
    _agency(indexed=False),  # ix_units_agency_address_key starts with it
    _text("line1"),
    *_address_columns(),
    sa.Column("country", sa.String(2), nullable=False, default="GB"),
    sa.Column("address_key", sa.String(600), nullable=False),
    _text("ref"),
    sa.Column("estate_id", sa.ForeignKey("estates.id")),
    sa.Column("building_id", sa.ForeignKey("buildings.id")),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("deactivated_at", UtcDateTime),
    sa.Column("deactivated_by", sa.String(32)),
    sa.Column("merged_into_id", sa.ForeignKey("units.id")),
    # what the PMS says of the property beyond its address (PW-06: all a sync may update)
    sa.Column("integration_data", sa.JSON),
    sa.Index("ix_units_agency_address_key", "agency_id", "address_key"),
)
cost_codes = sa.Table(
    "cost_codes",
    metadata,
    _id(),
    _agency(),
    _text("code"),
    _text("description"),
    sa.Column("building_id", sa.ForeignKey("buildings.id")),
)
occupiers = sa.Table(
    "occupiers",
    metadata,
    *_person_columns(),
    # where the PMS says they live, and when (PW-06: the fields a sync may still change)
    sa.Column("unit_id", sa.ForeignKey("units.id")),
    sa.Column("move_in", sa.Date),
    sa.Column("move_out", sa.Date),
)
landlords = sa.Table("landlords", metadata, *_person_columns())
contractors = sa.Table(
    "contractors",
    metadata,
    *_person_columns(),
    sa.Column("trades", sa.JSON, nullable=False, default=list),
)
agents = sa.Table("agents", metadata, *_person_columns(), _text("username"), _text("ref"))
rmcs = sa.Table("rmcs", metadata, *_person_columns(), _text("ref"))
tenancies = sa.Table(
    "tenancies",
    metadata,
    _id(),
    _agency(),
    sa.Column(
        "occupier_id", sa.ForeignKey("occupiers.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("unit_id", sa.ForeignKey("units.id"), nullable=False, index=True),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date),
    sa.Column("periodic", sa.Boolean, nullable=False, default=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
)
unit_landlords = sa.Table(
    "unit_landlords",
    metadata,
    _id(),
    _agency(),
    # indexed by the unique (unit_id, landlord_id)
    sa.Column("unit_id", sa.ForeignKey("units.id"), nullable=False),
    sa.Column("landlord_id", sa.ForeignKey("landlords.id"), nullable=False, index=True),
    sa.Column("primary", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("unit_id", "landlord_id"),
)
building_rmcs = sa.Table(
    "building_rmcs",
    metadata,
    _id(),
    _agency(),
    # indexed by the unique (building_id, rmc_id)
    sa.Column("building_id", sa.ForeignKey("buildings.id"), nullable=False),
    sa.Column("rmc_id", sa.ForeignKey("rmcs.id"), nullable=False, index=True),
    sa.UniqueConstraint("building_id", "rmc_id"),
)
external_refs = sa.Table(
    "external_refs",
    metadata,
    _id(),
    _agency(indexed=False),
    sa.Column("entity_kind", sa.String(32), nullable=False),
    sa.Column("entity_id", sa.Integer, nullable=False),
    sa.Column("system", sa.String(32), nullable=False),
    sa.Column("external_id", sa.String(128), nullable=False),
    sa.Column("external_oid", sa.String(128)),
    # the last synced content's hash: an unchanged record costs no write (S-08)
    sa.Column("content_hash", sa.String(32)),
    sa.UniqueConstraint(
        "agency_id", "entity_kind", "system", "external_id", name="uq_external_refs_identity"
    ),
    sa.Index("ix_external_refs_entity", "entity_kind", "entity_id"),
)
issues_table = sa.Table(
    "issues",
    metadata,
    _id(),
    _agency(indexed=False),  # uq_issues_agency_number starts with it
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    _text("category"),
    _text("priority"),
    sa.Column("planned", sa.Boolean, nullable=False, default=False),
    sa.Column("unit_id", sa.ForeignKey("units.id"), index=True),
    sa.Column("free_address", sa.Text, nullable=False, default=""),
    sa.Column(
        "reporter_occupier_id", sa.ForeignKey("occupiers.id", ondelete="SET NULL"), index=True
    ),
    _text("reporter_name"),
    sa.Column("reporter_email", sa.String(320)),
    # the PMS user id of the property manager the issue is assigned to (PW-04)
    sa.Column("manager_ref", sa.String(64)),
    sa.Column("reporter_phone", sa.String(32)),
    sa.Column("status", enum_column(issues.Status), nullable=False, index=True),
    sa.Column("instructed_party", enum_column(issues.Party)),
    sa.Column("contractor_id", sa.ForeignKey("contractors.id"), index=True),
    sa.Column("cost_code_id", sa.ForeignKey("cost_codes.id")),  # one of the building's (PM-04)
    sa.Column("landlord_id", sa.ForeignKey("landlords.id")),
    sa.Column("paying_for_work", enum_column(issues.PayingForWork)),
    sa.Column("appointment_at", UtcDateTime),
    sa.Column("completion_notes", sa.Text, nullable=False, default=""),
    sa.Column("cost_net", sa.Integer),
    sa.Column("cost_vat", sa.Integer),
    sa.Column("cost_gross", sa.Integer),
    sa.Column("feedback_rating", sa.Integer),
    sa.Column("feedback_comment", sa.Text, nullable=False, default=""),
    sa.Column("close_reason", sa.Text, nullable=False, default=""),
    sa.Column("cancel_reason", sa.Text, nullable=False, default=""),
    sa.Column("created_at", UtcDateTime),
    sa.Column("updated_at", UtcDateTime),
    sa.UniqueConstraint("agency_id", "number", name="uq_issues_agency_number"),
)
quotes = sa.Table(
    "quotes",
    metadata,
    _id(),
    _agency(),
    sa.Column("issue_id", sa.ForeignKey("issues.id"), nullable=False, index=True),
    sa.Column("contractor_id", sa.ForeignKey("contractors.id"), nullable=False),
    sa.Column("status", enum_column(issues.QuoteStatus), nullable=False),
    sa.Column("net", sa.Integer),
    sa.Column("vat", sa.Integer),
    sa.Column("gross", sa.Integer),
    sa.Column("notes", sa.Text, nullable=False, default=""),
)
documents = sa.Table(
    "documents",
    metadata,
    _id(),
    _agency(),
    sa.Column("issue_id", sa.ForeignKey("issues.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("quote_id", sa.ForeignKey("quotes.id")),
    _text("filename"),
    _text("content_type"),
    sa.Column("size", sa.Integer, nullable=False),
    _text("storage_key"),
    sa.Column("created_at", UtcDateTime),
)
comments = sa.Table(
    "comments",
    metadata,
    _id(),
    _agency(),
    sa.Column("issue_id", sa.ForeignKey("issues.id"), nullable=False, index=True),
    _text("author"),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("to_all_occupiers", sa.Boolean, nullable=False, default=False),
    sa.Column("recipient_ids", sa.JSON, nullable=False, default=list),
    sa.Column("created_at", UtcDateTime),
)
audit_log = sa.Table(
    "audit_log",
    metadata,
    _id(),
    _agency(indexed=False),
    sa.Column("entity_kind", sa.String(32), nullable=False),
    sa.Column("entity_id", sa.Integer, nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("actor_kind", sa.String(32), nullable=False),
    sa.Column("actor_id", sa.Integer),
    _text("actor_label"),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index("ix_audit_log_entity", "agency_id", "entity_kind", "entity_id"),
)
outbox = sa.Table(
    "outbox",
    metadata,
    _id(),
    _agency(),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("aggregate_kind", sa.String(32), nullable=False),
    sa.Column("aggregate_id", sa.Integer, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# Ids are never reused, on SQLite too (AUTOINCREMENT): the audit trail, the outbox and comment
# recipient lists name records by id, and must not pass a deleted record's (H-04) to a new one.
for _table in metadata.tables.values():
    _table.dialect_options["sqlite"]["autoincrement"] = True

# class -> (table, the kind name used in audit entries, external references and the API)
MAPPED: dict[type, tuple[sa.Table, str]] = {
    agency.Agency: (agencies, "agency"),
    agency.User: (users, "user"),
    agency.ApiKey: (api_keys, "api_key"),
    agency.Session: (sessions, "session"),
    places.Estate: (estates, "estate"),
    places.Building: (buildings, "building"),
    places.Unit: (units, "unit"),
    places.CostCode: (cost_codes, "cost_code"),
    people.Occupier: (occupiers, "occupier"),
    people.Landlord: (landlords, "landlord"),
    people.Contractor: (contractors, "contractor"),
    people.Agent: (agents, "agent"),
    people.Rmc: (rmcs, "rmc"),
    people.Tenancy: (tenancies, "tenancy"),
    people.UnitLandlord: (unit_landlords, "unit_landlord"),
    people.BuildingRmc: (building_rmcs, "building_rmc"),
    people.ExternalRef: (external_refs, "external_ref"),
    issues.Issue: (issues_table, "issue"),
    issues.Quote: (quotes, "quote"),
    issues.Document: (documents, "document"),
    issues.Comment: (comments, "comment"),
    audit.AuditEntry: (audit_log, "audit"),
    audit.OutboxEvent: (outbox, "event"),
}
KIND_OF: dict[type, str] = {cls: kind for cls, (_, kind) in MAPPED.items()}
CLASS_OF: dict[str, type] = {kind: cls for cls, kind in KIND_OF.items()}

# Not audited: the audit itself, the outbox, secrets and login sessions.
UNAUDITED: frozenset[type] = frozenset({audit.AuditEntry, audit.OutboxEvent, agency.Session})
SECRET_FIELDS = frozenset({"password_hash", "key_hash", "token_hash"})

_mapped = False


def map_domain() -> None:
    """Map every domain class onto its table, once per process."""
    global _mapped
    if _mapped:
        return
    for cls, (table, _) in MAPPED.items():
        mapper_registry.map_imperatively(cls, table)
    _mapped = True


def cols(cls: type) -> sa.sql.ColumnCollection[str, sa.Column[Any]]:
    """The table columns of a mapped class, typed for building queries."""
    return MAPPED[cls][0].c
