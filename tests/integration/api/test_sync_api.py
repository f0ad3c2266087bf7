"""Connections and syncs through the API: connect, "sync now", follow the run, read its report
(S-06), preview with a dry run (S-07). Against the Alto simulator over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from repairlink.simulators.alto import running_alto
from repairlink.simulators.alto.server import RunningAlto
from tests.integration.api.conftest import Client


@pytest.fixture
def sim() -> Iterator[RunningAlto]:
    with running_alto(seed=5, units=30) as running:
        yield running


def _connect(staff: Client, sim: RunningAlto, **extra: Any) -> dict[str, Any]:
    body = {
        "base_url": sim.base_url,
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
        "agency_ref": sim.agency_ref,
        **extra,
    }
    result: dict[str, Any] = staff.ok("PUT", "/connections/alto", json=body)
    return result


def _finished(staff: Client, run_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while (run := staff.ok("GET", f"/sync-runs/{run_id}"))["status"] == "running":
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.05)
    return run  # type: ignore[no-any-return]


def test_connection_settings_are_validated_and_secrets_never_shown(
    staff: Client, sim: RunningAlto
) -> None:
    shown = _connect(staff, sim, categories=["residential"])
    assert shown["config"]["client_secret"] == "********"
    assert shown["config"]["categories"] == ["residential"]
    bad = staff.request(
        "PUT",
        "/connections/alto",
        json={
            "base_url": sim.base_url,
            "client_id": "x",
            "client_secret": "y",
            "agency_ref": sim.agency_ref,
            "property_statuses": ["Sold"],
        },
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "property_statuses"
    assert "Sold" in bad.json()["detail"]
    unknown = staff.request("PUT", "/connections/nosuchpms", json={})
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "connector"


def test_s_06_sync_now_then_follow_the_run_and_read_why_records_were_skipped(
    staff: Client, sim: RunningAlto
) -> None:
    _connect(staff, sim)
    started = staff.ok("POST", "/connections/alto/runs", 202, json={"full": True})
    run = _finished(staff, started["run_id"])
    assert run["status"] == "succeeded"
    assert run["mode"] == "full"
    assert run["counts"]["unit"]["created"] > 0
    skipped = staff.ok("GET", f"/sync-runs/{run['id']}/skipped", params={"kind": "unit"})
    assert skipped["items"]
    assert {s["rule"] for s in skipped["items"]} == {"AL-02"}
    assert staff.ok("GET", "/sync-runs")["items"][0]["id"] == run["id"]
    units = staff.ok("GET", "/units", params={"limit": 500})["items"]
    assert len(units) == run["counts"]["unit"]["created"]


def test_s_07_a_dry_run_previews_each_field_and_changes_nothing(
    staff: Client, sim: RunningAlto
) -> None:
    _connect(staff, sim)
    started = staff.ok("POST", "/connections/alto/runs", 202, json={"dry_run": True})
    run = _finished(staff, started["run_id"])
    assert run["dry_run"] is True
    changes = staff.ok("GET", f"/sync-runs/{run['id']}/changes", params={"kind": "unit"})
    assert changes["items"]
    assert all(c["action"] == "create" for c in changes["items"])
    assert "line1" in changes["items"][0]["changes"]
    assert staff.ok("GET", "/units")["items"] == []


def test_al_01_an_edit_to_a_field_alto_owns_is_refused_and_says_where_to_make_it(
    staff: Client, sim: RunningAlto
) -> None:
    _connect(staff, sim)
    _finished(staff, staff.ok("POST", "/connections/alto/runs", 202, json={})["run_id"])
    synced = staff.ok("GET", "/contractors")["items"][0]
    refused = staff.patch(f"/contractors/{synced['id']}", json={"company": "Changed here"})
    assert refused.status_code == 422
    problem = refused.json()
    assert (problem["field"], problem["rule"]) == ("company", "AL-01")
    assert "change it in Alto" in problem["detail"]
    assert staff.ok("GET", f"/contractors/{synced['id']}")["company"] == synced["company"]
    local = staff.ok("POST", "/contractors", 201, json={"company": "Local Ltd"})
    edited = staff.ok("PATCH", f"/contractors/{local['id']}", json={"company": "Local Two"})
    assert edited["company"] == "Local Two"
