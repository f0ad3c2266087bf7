"""Tables of the way out (S-01, S-02): one delivery per outbox event and destination, every
attempt at it, the agencies' webhook subscriptions, and the schedules that have fired."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.store.sealing import SealedText
from repairlink.store.tables import metadata
from repairlink.store.types import UtcDateTime

webhook_subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),  # ["issue.closed", "issue.*"] or ["*"]
    sa.Column("secret", SealedText, nullable=False),  # whsec_<base64>, shown once, sealed
    sa.Column("description", sa.String(255), nullable=False, default=""),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("disabled_reason", sa.String(255)),  # e.g. the endpoint answered 410 Gone
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# channel: "connection" (target_id = connections.id) or "webhook" (webhook_subscriptions.id).
# Order per issue (S-01): a delivery goes only when no earlier event of the same aggregate is
# still pending for the same destination.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("event_id", sa.ForeignKey("outbox.id"), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("target_id", sa.Integer, nullable=False),
    sa.Column("aggregate_kind", sa.String(32), nullable=False),
    sa.Column("aggregate_id", sa.Integer, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # pending | delivered | skipped | dead
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("window_start", UtcDateTime),  # first attempt since created or replayed
    # when the automatic retry was due before a person asked to try now ("Sync now"): a failed
    # extra attempt goes back to it instead of counting as one more failure on the schedule
    sa.Column("scheduled_retry_at", UtcDateTime),
    sa.Column("leased_until", UtcDateTime),  # a worker holds it until then (or dies)
    sa.Column("leased_by", sa.String(64)),
    # an attempt may have reached the destination (not refused before it could act): a retry
    # looks for what it made first
    sa.Column("reached", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("last_error", sa.Text),
    sa.Column("note", sa.Text),  # what the destination made of it, e.g. why no charge (AL-13)
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.UniqueConstraint("event_id", "channel", "target_id", name="uq_deliveries_destination"),
    sa.Index("ix_deliveries_due", "state", "next_attempt_at"),
    sa.Index(
        "ix_deliveries_aggregate", "channel", "target_id", "aggregate_kind", "aggregate_id", "state"
    ),
)

delivery_attempts = sa.Table(
    "delivery_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "delivery_id",
        sa.ForeignKey("deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("status_code", sa.Integer),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("worker", sa.String(64), nullable=False),
)

# A schedule fires once per (connection, schedule, due time), by construction: two runners that
# evaluate the same cron at once both try to insert and one wins.
schedule_fires = sa.Table(
    "schedule_fires",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("connection_id", sa.ForeignKey("connections.id"), nullable=False),
    sa.Column("schedule", sa.String(64), nullable=False),
    sa.Column("fire_at", UtcDateTime, nullable=False),
    sa.Column("run_id", sa.Integer),
    sa.Column("fired_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("connection_id", "schedule", "fire_at", name="uq_schedule_fires_once"),
)
