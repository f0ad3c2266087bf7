"""Idempotency keys of the API's POSTs (issue 14, item 7; docs/api.md): the first answer to a
key, kept a day, so that a client's retry gets it again instead of creating twice."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.store.tables import metadata
from repairlink.store.types import UtcDateTime

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # sha256 of the caller's credentials: one caller's key never meets another's
    sa.Column("caller", sa.String(64), nullable=False),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),  # sha256 of method, path, body
    sa.Column("status_code", sa.Integer),  # null while the first request is being answered
    sa.Column("headers", sa.JSON),
    sa.Column("body", sa.LargeBinary),
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
    sa.UniqueConstraint("caller", "key", name="uq_idempotency_keys_caller_key"),
)
