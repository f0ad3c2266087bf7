"""PW-10 "Sync now" during a PMS outage (S-01): each click makes one extra attempt, logged with
its reason, but a failed one neither counts toward the dead-letter limit nor pushes the
automatic retry later, so when the PMS answers again the automatic retry delivers the issue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from repairlink.api.app import create_app
from repairlink.jobs.channels import Channels
from tests.integration.api.conftest import Client, login_client
from tests.integration.outbound.conftest import Clock, Synced, send_due
from tests.integration.outbound.issues_in_alto import instruct, reported

CLICKS = 12  # more than the nine failures after which an automatic retry gives up


@pytest.fixture
def agent(synced: Synced) -> Iterator[Client]:
    with TestClient(create_app(synced.app)) as http:
        yield login_client(synced.app, http, synced.agency_id)


def _sync_status(agent: Client, issue_id: int) -> dict:  # type: ignore[type-arg]
    (status,) = agent.ok("GET", f"/issues/{issue_id}/sync")["items"]
    return status  # type: ignore[no-any-return]


def _next_retry(status: dict) -> datetime:  # type: ignore[type-arg]
    return datetime.fromisoformat(status["next_attempt_at"])


def test_pw_10_sync_now_in_an_outage_keeps_the_automatic_retries(
    synced: Synced, channels: Channels, agent: Client
) -> None:
    issue = instruct(synced, reported(synced))
    synced.sim.admin("PUT", "outage", {"status": 503})
    clock = Clock()
    for wait in (0, 6, 331):  # three automatic attempts (5 s, 5 min and jitter between)
        clock.now += timedelta(seconds=wait)
        send_due(synced.app, channels, clock)
    before = _sync_status(agent, issue.id)
    assert before["attempts"] == 3
    scheduled = _next_retry(before)
    # this agency's delivery, its attempts counted in its log (send_due sends every agency's:
    # an earlier test's delivery may fall due as the clock moves on)
    (delivery,) = agent.ok("GET", "/deliveries", params={"state": "pending"})["items"]

    def attempt_log() -> list[dict]:  # type: ignore[type-arg]
        return agent.ok("GET", f"/deliveries/{delivery['id']}")["attempt_log"]  # type: ignore[no-any-return]

    for click in range(CLICKS):
        clock.now += timedelta(seconds=2)
        for _double_click in range(2):  # the second keeps the time the first one remembered
            assert agent.ok("POST", f"/issues/{issue.id}/sync", 202) == {"rearmed": 1}
        send_due(synced.app, channels, clock)
        assert len(attempt_log()) == 3 + click + 1  # the click's attempt went now
        status = _sync_status(agent, issue.id)
        assert (status["status"], status["dead"], status["attempts"]) == ("failed", False, 3)
        assert _next_retry(status) <= scheduled

    log = attempt_log()
    assert [a["status_code"] for a in log] == [503] * (3 + CLICKS)
    assert all("503" in a["error"] for a in log)
    assert synced.admin("work-orders") == []

    synced.sim.admin("DELETE", "outage")
    clock.now += timedelta(seconds=1)
    send_due(synced.app, channels, clock)
    assert len(attempt_log()) == 3 + CLICKS  # nothing is due before its time
    clock.now = scheduled  # the automatic retry's time, as it was before the clicks
    send_due(synced.app, channels, clock)
    assert _sync_status(agent, issue.id)["status"] == "synced"
    assert len(synced.admin("work-orders")) == 1
