"""Seams for the outbound side (issue 4: outbox delivery, per-issue sync status, webhooks).
Until it lands these answer None and the pages hide what they would feed."""

from __future__ import annotations

from dataclasses import dataclass

from repairlink.store.uow import UnitOfWork


@dataclass(frozen=True)
class SyncStatus:
    """PW-10: whether an issue's last sync with the PMS succeeded."""

    state: str  # "synced" | "pending" | "failed"
    reason: str = ""
    system: str = ""


@dataclass(frozen=True)
class DeliveryHealth:
    """Dashboard: outbox deliveries of one integration (S-01)."""

    pending: int
    dead: int


def issue_sync_status(uow: UnitOfWork, issue_id: int) -> SyncStatus | None:
    """Feeds `issues/_sync_badge.html`; None hides the badge and "Sync now"."""
    return None


def delivery_health(uow: UnitOfWork, system: str) -> DeliveryHealth | None:
    """Feeds the dashboard's deliveries line; None shows a placeholder."""
    return None
