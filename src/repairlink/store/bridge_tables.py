"""Tables of the bridge (docs/bridge.md): the tokens a bridge client (the agency's browser
extension, a script) authenticates with, each scoped to one connection and kept hashed, and
the commands handed to it with its answers."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.store.tables import metadata
from repairlink.store.types import UtcDateTime

bridge_tokens = sa.Table(
    "bridge_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("connection_id", sa.ForeignKey("connections.id"), nullable=False, index=True),
    sa.Column("prefix", sa.String(16), nullable=False, unique=True),  # finds the row
    sa.Column("secret_hash", sa.String(64), nullable=False),  # SHA-256 of the whole token
    sa.Column("label", sa.String(120), nullable=False, default=""),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_used_at", UtcDateTime),
    sa.Column("revoked_at", UtcDateTime),
)

# One row per command handed to a client: a delivery's step (create or update a work order;
# `key` is "<event id>:<step>") or a request for a full run (PX-08, no delivery). `answer` is
# the client's acknowledgement, replayed to the outbound engine.
bridge_commands = sa.Table(
    "bridge_commands",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("connection_id", sa.ForeignKey("connections.id"), nullable=False),
    sa.Column("delivery_id", sa.ForeignKey("deliveries.id")),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("op", sa.String(32), nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("leased_until", UtcDateTime),  # requests for a run (deliveries lease themselves)
    sa.Column("answered_at", UtcDateTime),
    sa.Column("answer", sa.JSON),
    sa.UniqueConstraint("connection_id", "key", name="uq_bridge_commands_connection_key"),
    sa.Index("ix_bridge_commands_delivery", "delivery_id"),
)
