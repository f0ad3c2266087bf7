"""Fast recovery (issue 14, item 8; S-01): a PMS connection whose deliveries failed is probed
with a canary; probing during the outage counts no attempt and dead-letters nothing; once the
PMS answers again its waiting deliveries go at once, in order per issue, instead of after their
back-off step (here Retry-After 30 s). Through the Alto simulator's outage admin API."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

from repairlink.jobs.channels import Channels
from repairlink.jobs.embedded import EmbeddedRunner
from repairlink.jobs.recovery import Prober
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

COMPLETED_AND_CLOSED = [
    "Supplier instructed",
    "Complete Awaiting Invoice",
    "Complete Invoicing Received",
]


def _status(s: Synced, issue_id: int) -> dict:  # type: ignore[type-arg]
    who = staff(s)
    (status,) = issue_sync_status(s.app.uow(who.actor, s.agency_id), issue_id)
    return status


def _closed_during_outage(s: Synced, count: int) -> list[int]:
    made = [reported(s, f"Leak {n}") for n in range(count)]
    for issue in made:
        complete(s, appoint(s, instruct(s, issue)))
        close(s, issue)
    return [issue.id for issue in made]


def test_s_01_probes_during_an_outage_change_nothing_and_recovery_sends_at_once(
    synced: Synced, channels: Channels
) -> None:
    synced.sim.admin("PUT", "outage", {"status": 503, "retry_after": 30})
    ids = _closed_during_outage(synced, 2)
    clock = Clock()
    send_due(synced.app, channels, clock)
    waits = {i: _status(synced, i)["next_attempt_at"] for i in ids}

    prober = Prober(synced.app, channels, worker="probe")
    for _ in range(12):  # twelve probes in the outage: no attempt counted, nothing dead
        clock.now += timedelta(seconds=2)
        assert prober.probe_due(clock) == 0
    for i in ids:
        status = _status(synced, i)
        assert (status["status"], status["attempts"]) == ("failed", 1)
        assert status["next_attempt_at"] == waits[i]  # the back-off step stands
    assert synced.admin("work-orders") == []

    synced.sim.admin("DELETE", "outage")
    clock.now += timedelta(seconds=2)  # well inside the 30 s Retry-After
    assert prober.probe_due(clock) == 1
    send_due(synced.app, channels, clock)

    orders = synced.admin("work-orders")
    assert len(orders) == 2
    for order in orders:  # in order per issue
        assert [step["status"] for step in order["statusHistory"]] == COMPLETED_AND_CLOSED
    assert [_status(synced, i)["status"] for i in ids] == ["synced", "synced"]


def test_s_01_the_embedded_runner_sends_within_seconds_of_the_pms_answering_again(
    synced: Synced,
) -> None:
    app = replace(synced.app, event_listeners=[])
    synced.sim.admin("PUT", "outage", {"status": 503, "retry_after": 600})
    runner = EmbeddedRunner(app, poll_s=0.2, schedules=False).start()
    try:
        ids = _closed_during_outage(synced, 3)
        deadline = time.monotonic() + 20
        while any(_status(synced, i)["status"] != "failed" for i in ids):
            assert time.monotonic() < deadline, "the runner did not try during the outage"
            time.sleep(0.05)
        synced.sim.admin("DELETE", "outage")
        lifted = time.monotonic()
        while any(_status(synced, i)["status"] != "synced" for i in ids):
            # the back-off step is 600 s (Retry-After): only the probe can send them this soon
            assert time.monotonic() - lifted < 15, "waiting deliveries did not go on recovery"
            time.sleep(0.05)
    finally:
        runner.stop()
    for order in synced.admin("work-orders"):
        assert [step["status"] for step in order["statusHistory"]] == COMPLETED_AND_CLOSED
