"""S-01 with a PMS down: Alto refuses every write for a while, then recovers. Every pending
delivery lands in order, and each issue's sync status goes failed -> synced (PW-10)."""

from __future__ import annotations

from datetime import timedelta

from repairlink.jobs.channels import Channels
from repairlink.outbound.views import issue_sync_status
from tests.integration.outbound.conftest import Clock, Synced, send_due
from tests.integration.outbound.issues_in_alto import (
    appoint,
    close,
    complete,
    instruct,
    reported,
    staff,
)


def _status(s: Synced, issue_id: int) -> dict:  # type: ignore[type-arg]
    who = staff(s)
    (status,) = issue_sync_status(s.app.uow(who.actor, s.agency_id), issue_id)
    return status


def test_s_01_pw_10_outage_then_recovery_lands_everything_in_order(
    synced: Synced, channels: Channels
) -> None:
    synced.sim.admin("PUT", "outage", {"status": 503, "retry_after": 30})
    first, second = reported(synced, "First"), reported(synced, "Second")
    for issue in (first, second):
        complete(synced, appoint(synced, instruct(synced, issue)))
        close(synced, issue)
    clock = Clock()
    send_due(synced.app, channels, clock)

    for issue in (first, second):
        status = _status(synced, issue.id)
        assert status["status"] == "failed"
        assert "503" in status["reason"]
        assert status["attempts"] == 1
        assert status["next_attempt_at"] >= clock.now + timedelta(seconds=30)  # Retry-After
    assert synced.admin("work-orders") == []

    synced.sim.admin("DELETE", "outage")
    clock.now += timedelta(minutes=1)
    send_due(synced.app, channels, clock)

    orders = synced.admin("work-orders")
    assert len(orders) == 2
    for order in orders:
        history = [step["status"] for step in order["statusHistory"]]
        assert history == [
            "Supplier instructed",
            "Complete Awaiting Invoice",
            "Complete Invoicing Received",
        ]
    assert len(synced.admin("charges")) == 2
    assert [_status(synced, i.id)["status"] for i in (first, second)] == ["synced", "synced"]
