"""Tables of the mail (docs/notifications.md): one row per message to one person, the
agency's on/off switch per kind of message, and the set-your-own-password links that
invitations carry (C-12).

A message is sent as a delivery of the outbox (channel "mail", target_id = the message's id):
the ledger retries it, records each attempt and says whether it went. The message row keeps
who it was for, what it was about and, once sent, the address and subject it went with.
"""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.store.tables import metadata
from repairlink.store.types import UtcDateTime

mail_messages = sa.Table(
    "mail_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("event_id", sa.ForeignKey("outbox.id"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),  # issue_reported, comment, invitation...
    sa.Column("issue_id", sa.Integer),  # the issue it is about, if any
    # occupier | contractor | landlord | user; recipient_id None: deleted (H-04)
    sa.Column("recipient_kind", sa.String(16), nullable=False),
    sa.Column("recipient_id", sa.Integer),
    sa.Column("recipient_name", sa.String(255), nullable=False, default=""),
    sa.Column("to_address", sa.String(320)),  # set when sent
    sa.Column("subject", sa.String(255), nullable=False, default=""),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime),
    sa.Index("ix_mail_messages_issue", "agency_id", "issue_id"),
    sa.Index("ix_mail_messages_recipient", "agency_id", "recipient_kind", "recipient_id"),
)

# No row: the kind is on.
mail_switches = sa.Table(
    "mail_switches",
    metadata,
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), primary_key=True),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
)

password_links = sa.Table(
    "password_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("occupier_id", sa.Integer, nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime),
)
