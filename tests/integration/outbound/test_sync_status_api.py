"""PW-10 through the API: every issue shows whether its last sync with the PMS succeeded, and
"Sync now" sends it again; "Sync all" does it for a connector; dead letters are listed and
replayed (S-01); webhooks are subscribed with their secret shown once (S-02)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from repairlink.api.app import create_app
from repairlink.jobs.channels import Channels
from tests.integration.api.conftest import Client, TestClient, login_client
from tests.integration.outbound.conftest import Clock, Synced, send_due
from tests.integration.outbound.issues_in_alto import appoint, instruct, reported


@pytest.fixture
def agent(synced: Synced) -> Iterator[Client]:
    with TestClient(create_app(synced.app)) as http:
        yield login_client(synced.app, http, synced.agency_id)


def test_pw_10_issue_shows_failed_with_reason_then_sync_now_makes_it_synced(
    synced: Synced, channels: Channels, agent: Client
) -> None:
    issue = instruct(synced, reported(synced))
    synced.sim.admin("PUT", "outage", {"status": 503})
    send_due(synced.app, channels)

    (status,) = agent.ok("GET", f"/issues/{issue.id}/sync")["items"]
    assert status["connector"] == "alto"
    assert status["status"] == "failed"
    assert "Alto answered 503" in status["reason"]
    assert status["attempts"] == 1

    synced.sim.admin("DELETE", "outage")
    assert agent.ok("POST", f"/issues/{issue.id}/sync", 202) == {"rearmed": 1}
    send_due(synced.app, channels)  # due at once: no clock moved
    (status,) = agent.ok("GET", f"/issues/{issue.id}/sync")["items"]
    assert status["status"] == "synced"
    assert len(synced.admin("work-orders")) == 1


def test_pw_10_sync_now_with_nothing_waiting_sends_the_issue_again(
    synced: Synced, channels: Channels, agent: Client
) -> None:
    issue = appoint(synced, instruct(synced, reported(synced)))
    send_due(synced.app, channels)
    assert agent.ok("POST", f"/issues/{issue.id}/sync", 202) == {"rearmed": 0}
    send_due(synced.app, channels)
    (order,) = synced.admin("work-orders")
    assert order["status"] == "Supplier instructed"  # sent again, still one works order
    (status,) = agent.ok("GET", f"/issues/{issue.id}/sync")["items"]
    assert status["status"] == "synced"


def test_pw_10_sync_all_and_dead_letters_for_a_connector(
    synced: Synced, channels: Channels, agent: Client
) -> None:
    issues = [instruct(synced, reported(synced)) for _ in range(2)]
    synced.sim.admin("PUT", "outage", {"status": 400})  # a refusal: dead at once
    send_due(synced.app, channels)
    dead = agent.ok("GET", "/deliveries", params={"state": "dead"})["items"]
    assert {d["aggregate_id"] for d in dead} == {i.id for i in issues}
    detail = agent.ok("GET", f"/deliveries/{dead[0]['id']}")
    assert [a["status_code"] for a in detail["attempt_log"]] == [400]

    synced.sim.admin("DELETE", "outage")
    assert agent.ok("POST", "/connections/alto/sync-all", 202) == {"rearmed": 2}
    send_due(synced.app, channels, Clock())
    assert agent.ok("GET", "/deliveries", params={"state": "dead"})["items"] == []
    assert len(synced.admin("work-orders")) == 2


def test_s_02_webhooks_through_the_api(synced: Synced, agent: Client) -> None:
    refused = agent.request(
        "POST", "/webhooks", json={"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "url"
    assert refused.json()["rule"] == "S-02"
    types = {t["type"] for t in agent.ok("GET", "/webhook-event-types")["items"]}
    assert {"issue.closed", "occupier.archived"} <= types
