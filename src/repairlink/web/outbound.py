"""What the pages show of the way out (issue 4): an issue's sync badge (PW-10) and the
dashboard's deliveries line (S-01), read from the delivery ledger (sync.delivery_views)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from repairlink.connectors import REGISTRY
from repairlink.outbound import views
from repairlink.pms.profile import SendIssues
from repairlink.store.uow import UnitOfWork

LABELS = {
    "synced": "Synced",
    "pending": "Waiting to sync",
    "failed": "Sync failed",
    "not_sent": "Not sent",
}


@dataclass(frozen=True)
class SyncStatus:
    """PW-10: whether an issue's last sync with the PMS succeeded."""

    state: str  # "synced" | "pending" | "failed" | "not_sent"
    reason: str = ""
    system: str = ""
    attempts: int = 0
    next_attempt_at: datetime | None = None  # failed, still retrying: when
    dead: bool = False  # failed, retries used up: only "Sync now" sends it again
    pms_number: str = ""  # the PMS's own number for the issue, where it numbers them (PX-07)

    @property
    def label(self) -> str:
        return LABELS.get(self.state, self.state)


@dataclass(frozen=True)
class DeliveryHealth:
    """Dashboard: outbox deliveries of one integration (S-01)."""

    pending: int
    dead: int
    failing: int = 0  # of the pending, those whose last attempt failed


def issue_sync_status(uow: UnitOfWork, issue_id: int) -> SyncStatus | None:
    """Feeds `issues/_sync_badge.html`: the first PMS connection's status; None (no badge, no
    "Sync now") when the agency has no PMS connection."""
    found = views.issue_sync_status(uow, issue_id)
    if not found:
        return None
    first = found[0]
    reason = first.get("reason") or ""
    if first["status"] == "not_sent" and not reason:
        reason = _why_not_sent(first["connector"])
    return SyncStatus(
        state=first["status"],
        reason=reason,
        system=first["connector"],
        attempts=int(first.get("attempts") or 0),
        next_attempt_at=first.get("next_attempt_at"),
        dead=bool(first.get("dead")),
        pms_number=first.get("pms_number") or "",
    )


def _why_not_sent(system: str) -> str:
    """No delivery at all: the connector's profile says when issues start to go (AL-10)."""
    kind = REGISTRY.get(system)
    sends = kind.profile.of(SendIssues) if kind else []
    if sends and sends[0].once == "instructed":
        return f"Issues reach {kind.title if kind else system} only once instructed"
    return "Nothing sent yet"


def delivery_health(uow: UnitOfWork, system: str) -> DeliveryHealth | None:
    """Feeds the dashboard's deliveries line; None when the agency is not connected."""
    counts = views.connection_counts(uow, system)
    if counts is None:
        return None
    return DeliveryHealth(
        pending=counts.get("pending", 0), dead=counts.get("dead", 0), failing=counts["failing"]
    )
