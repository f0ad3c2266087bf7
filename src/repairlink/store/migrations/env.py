"""Alembic environment: runs migrations on the URL set by repairlink.store.migrate."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

import repairlink.store.idempotency_tables
import repairlink.store.mail_tables
import repairlink.store.outbound_tables
import repairlink.store.sync_tables  # noqa: F401  (registers the sync tables)
from repairlink.store.tables import metadata

config = context.config
engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
