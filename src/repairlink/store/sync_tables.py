"""Tables of the sync hub: connections to a PMS, runs with their checkpoint and report, the
records a run skipped or quarantined, a dry run's planned changes, and reconciliations (PW-09)
with the snapshot each one took."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from repairlink.store.sealing import SealedJson
from repairlink.store.tables import metadata
from repairlink.store.types import UtcDateTime

connections = sa.Table(
    "connections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("system", sa.String(32), nullable=False),
    sa.Column("config", SealedJson, nullable=False),  # secrets sealed (store/sealing.py)
    sa.Column("enabled", sa.Boolean, nullable=False, default=True),
    # signpost per schedule ("*": a run of every kind): where its next run starts reading
    sa.Column("bookmarks", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("agency_id", "system", name="uq_connections_agency_system"),
)
sync_runs = sa.Table(
    "sync_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("connection_id", sa.ForeignKey("connections.id"), nullable=False, index=True),
    sa.Column("mode", sa.String(16), nullable=False),  # full | incremental
    # the schedule it ran for, whose bookmark it reads and moves ("*": every kind, by hand)
    sa.Column("schedule", sa.String(64), nullable=False, server_default="*"),
    sa.Column("dry_run", sa.Boolean, nullable=False, default=False),
    sa.Column("status", sa.String(16), nullable=False),  # running | succeeded | failed
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("window_from", UtcDateTime),
    sa.Column("window_to", UtcDateTime, nullable=False),
    # checkpoint, written with each page: {stream: {"cursor": str|None, "done": bool}}
    sa.Column("checkpoint", sa.JSON, nullable=False, default=dict),
    # report: {kind: {created, updated, unchanged, archived, skipped, quarantined}}
    sa.Column("counts", sa.JSON, nullable=False, default=dict),
    sa.Column("skip_reasons", sa.JSON, nullable=False, default=dict),  # {kind: {rule: n}}
    sa.Column("error", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False, default=1),
)


def _about_a_record_of_a_run() -> list[sa.Column[Any]]:
    """The columns a run's per-record lists share: which run, which PMS record. (On
    PostgreSQL the run's key is not in the database: migration 0017.)"""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.ForeignKey("sync_runs.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
    ]


sync_skips = sa.Table(
    "sync_skips",
    metadata,
    *_about_a_record_of_a_run(),
    sa.Column("rule", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)
sync_quarantine = sa.Table(
    "sync_quarantine",
    metadata,
    *_about_a_record_of_a_run(),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
)
sync_changes = sa.Table(
    "sync_changes",
    metadata,
    *_about_a_record_of_a_run(),
    sa.Column("action", sa.String(16), nullable=False),  # create | update | archive | restore
    sa.Column("entity_id", sa.Integer),
    sa.Column("changes", sa.JSON, nullable=False),  # field -> [before, after]
)

# A reconciliation (PW-09): the PMS's complete list of a kind compared with what we hold.
reconciliation_runs = sa.Table(
    "reconciliation_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("connection_id", sa.ForeignKey("connections.id"), nullable=False, index=True),
    sa.Column("rule", sa.String(16), nullable=False),  # the profile's rule id, e.g. PW-09
    sa.Column("kind", sa.String(32), nullable=False),  # unit
    sa.Column("status", sa.String(16), nullable=False),  # running | succeeded | refused | failed
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("listed", sa.Integer, nullable=False, default=0),  # records the PMS listed
    sa.Column("held", sa.Integer, nullable=False, default=0),  # ours, active, with its reference
    sa.Column("deactivated", sa.Integer, nullable=False, default=0),
    sa.Column("error", sa.Text),  # why it failed, or why it refused to deactivate anything
)
# The snapshot of a succeeded reconciliation: each of our records that the PMS listed.
reconciliation_snapshot = sa.Table(
    "reconciliation_snapshot",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "run_id",
        sa.ForeignKey("reconciliation_runs.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("entity_id", sa.Integer, nullable=False),
)

# As every table: SQLite never reuses a deleted row's id (a new run must not inherit a report).
for _table in (
    connections,
    sync_runs,
    sync_skips,
    sync_quarantine,
    sync_changes,
    reconciliation_runs,
    reconciliation_snapshot,
):
    _table.dialect_options["sqlite"]["autoincrement"] = True
