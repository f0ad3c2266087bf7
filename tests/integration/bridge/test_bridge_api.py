"""The bridge API: tokens, pushed pages applied as pulled ones, bad pushes, and work-order
commands polled, leased and acknowledged (docs/bridge.md)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.jobs import bridge as bridge_jobs
from repairlink.jobs import bridge_steps
from repairlink.outbound.facts import Due, FactsReader
from repairlink.pms.issue_facts import IssueFacts
from repairlink.services import bridge_tokens as bridge_token_service
from repairlink.store.bridge_tables import bridge_tokens
from tests.integration.api.conftest import Client, login_client, new_agency
from tests.integration.bridge.conftest import Bridge, connect_bridge
from tests.integration.bridge.platform_data import WINDOW, add_property, property_item


def _push(bridge: Bridge, items: list[Any], **extra: Any) -> Any:
    body = {"stream": "properties", "window": WINDOW, "items": items, **extra}
    return bridge.as_client("POST", "/pages", json=body)


def test_a_client_sync_pushes_the_last_72_hours_and_they_are_applied(bridge: Bridge) -> None:
    for _ in range(7):  # two pages of five
        add_property(bridge.pms)
    reports = bridge.client.sync()
    created = sum(r["counts"].get("unit", {}).get("created", 0) for r in reports)
    assert created == 7
    assert all(r["status"] == "succeeded" for r in reports)
    run = bridge.staff.ok("GET", f"/sync-runs/{reports[0]['run_id']}")
    assert run["system"] == "platform"


def test_a_token_is_shown_once_stored_hashed_and_revocable(app: App, bridge: Bridge) -> None:
    listed = bridge.staff.ok("GET", "/connections/platform/bridge-tokens")
    assert listed["next_cursor"] is None
    (row,) = listed["items"]
    assert "token" not in row
    with app.engine.connect() as conn:
        stored = conn.execute(sa.select(bridge_tokens.c.secret_hash)).scalars().all()
    assert bridge.token not in stored
    assert all(len(h) == 64 for h in stored)
    assert bridge.as_client("GET", "").status_code == 200
    bridge.staff.ok("DELETE", f"/connections/platform/bridge-tokens/{row['id']}")
    refused = bridge.as_client("GET", "")
    assert refused.status_code == 401
    assert refused.json()["field"] == "authorization"


def test_a_token_of_another_connection_or_agency_finds_nothing(app: App, bridge: Bridge) -> None:
    other: Client = login_client(app, bridge.staff.http, new_agency(app))
    other_connection, other_token = connect_bridge(other)
    mine = bridge.as_client("POST", "/poll")
    assert mine.status_code == 200
    theirs_with_mine = bridge.staff.http.post(
        f"/api/v1/bridge/connections/{other_connection}/poll",
        headers={"Authorization": f"Bearer {bridge.token}"},
    )
    assert theirs_with_mine.status_code == 404
    mine_with_theirs = bridge.as_client(
        "POST", "/pages", json={}, headers={"Authorization": f"Bearer {other_token}"}
    )
    assert mine_with_theirs.status_code == 404


def test_a_bad_page_names_the_field_and_an_oversized_one_is_413(bridge: Bridge) -> None:
    no_end = bridge.as_client(
        "POST", "/pages", json={"stream": "properties", "window": {"from": None}, "items": []}
    )
    assert no_end.status_code == 422
    assert no_end.json()["field"] == "window.to"
    unknown = _push(bridge, [], stream="leases")
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "stream"
    too_big = _push(bridge, [property_item(500000 + n) for n in range(1001)])
    assert too_big.status_code == 413
    assert too_big.json()["field"] == "items"
    assert bridge.staff.ok("GET", "/units")["items"] == []  # nothing of it applied


def test_a_malformed_record_is_quarantined_and_the_rest_applied(bridge: Bridge) -> None:
    items = [property_item(1), {"id": 2, "city": "Leeds"}, "not a record", property_item(3)]
    report = _push(bridge, items).json()
    assert report["counts"]["unit"]["created"] == 2
    reasons = {q["external_id"]: q["reason"] for q in report["quarantined"]}
    assert reasons["2"] == "name is required"
    # an item with no id is told by its place on the page pushed
    assert reasons[""] == "item: must be an object (item 3 on its page)"
    assert len(report["quarantined"]) == 2
    assert len(bridge.staff.ok("GET", "/units")["items"]) == 2


def test_a_dry_run_reports_and_writes_nothing_and_a_page_pushed_twice_changes_nothing(
    bridge: Bridge,
) -> None:
    items = [property_item(1), property_item(2)]
    dry = _push(bridge, items, dry_run=True).json()
    assert dry["dry_run"] is True
    assert dry["counts"]["unit"]["created"] == 2
    assert bridge.staff.ok("GET", "/units")["items"] == []
    first = _push(bridge, items).json()
    again = _push(bridge, items).json()
    assert first["counts"]["unit"]["created"] == 2
    assert again["counts"]["unit"].get("created", 0) == 0
    assert again["counts"]["unit"]["unchanged"] == 2
    assert len(bridge.staff.ok("GET", "/units")["items"]) == 2


def _issue_at_a_platform_property(bridge: Bridge) -> dict[str, Any]:
    prop = add_property(bridge.pms)
    bridge.client.sync()
    (unit,) = bridge.staff.ok("GET", "/units", params={"q": prop["name"]})["items"]
    issue: dict[str, Any] = bridge.staff.ok(
        "POST", "/issues", 201, json={"title": "Boiler broken", "unit_id": unit["id"]}
    )
    return issue


def test_commands_are_leased_to_one_client_and_a_failure_is_retried_and_shown(
    bridge: Bridge,
) -> None:
    issue = _issue_at_a_platform_property(bridge)
    (command,) = bridge.as_client("POST", "/poll").json()["items"]
    assert command["op"] == "create_work_order"
    assert command["body"]["summary"].endswith("Boiler broken")
    assert bridge.as_client("POST", "/poll").json()["items"] == []  # leased: no second client
    failed = {"ok": False, "error": "PMS login expired"}
    answer = bridge.as_client("POST", f"/commands/{command['id']}/ack", json=failed).json()
    assert answer == {"state": "pending", "next": None}
    (status,) = bridge.staff.ok("GET", f"/issues/{issue['id']}/sync")["items"]
    assert status["status"] == "failed"
    assert "PMS login expired" in status["reason"]
    assert status["next_attempt_at"] is not None
    # "Sync now" retries at once: the same command (same key) is handed out again
    bridge.staff.ok("POST", f"/issues/{issue['id']}/sync", 202)
    (again,) = bridge.as_client("POST", "/poll").json()["items"]
    assert (again["id"], again["key"]) == (command["id"], command["key"])
    done = bridge.client.apply(again)
    acked = bridge.as_client("POST", f"/commands/{again['id']}/ack", json=done).json()
    assert acked["state"] == "delivered"
    (status,) = bridge.staff.ok("GET", f"/issues/{issue['id']}/sync")["items"]
    assert status["status"] == "synced"
    assert status["pms_number"] == done["number"]
    # acknowledged twice: the first one counts
    twice = bridge.as_client("POST", f"/commands/{again['id']}/ack", json=done).json()
    assert twice["state"] == "acknowledged"


def test_an_acknowledgement_without_its_reason_names_the_field(bridge: Bridge) -> None:
    _issue_at_a_platform_property(bridge)
    (command,) = bridge.as_client("POST", "/poll").json()["items"]
    bad = bridge.as_client("POST", f"/commands/{command['id']}/ack", json={"ok": False})
    assert bad.status_code == 422
    missing = bridge.as_client("POST", "/commands/999999/ack", json={"ok": True})
    assert missing.status_code == 404


def test_an_issues_commands_come_in_order_the_next_only_once_the_first_is_acknowledged(
    bridge: Bridge,
) -> None:
    issue = _issue_at_a_platform_property(bridge)
    (create,) = bridge.as_client("POST", "/poll").json()["items"]
    bridge.staff.ok("POST", f"/issues/{issue['id']}/cancel", json={"reason": "Fixed itself"})
    assert bridge.as_client("POST", "/poll", params={"lease_s": 5}).json()["items"] == []
    done = bridge.client.apply(create)
    acked = bridge.as_client("POST", f"/commands/{create['id']}/ack", json=done).json()
    assert acked["state"] == "delivered"
    (update,) = bridge.as_client("POST", "/poll").json()["items"]
    assert update["op"] == "update_work_order"
    assert update["body"]["status"] == "Cancelled"
    assert update["body"]["work_order_id"] == done["work_order_id"]


def test_a_create_is_handed_out_and_acknowledged_with_the_facts_loaded_once(
    bridge: Bridge, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue = _issue_at_a_platform_property(bridge)
    loaded: list[int] = []

    class Counted(FactsReader):
        def __call__(self, system: str, issue_id: int, due: Due) -> IssueFacts:
            loaded.append(issue_id)
            return super().__call__(system, issue_id, due)

    monkeypatch.setattr(bridge_steps, "FactsReader", Counted)
    (create,) = bridge.as_client("POST", "/poll").json()["items"]
    done = bridge.client.apply(create)
    acked = bridge.as_client("POST", f"/commands/{create['id']}/ack", json=done).json()
    assert acked == {"state": "delivered", "next": None}
    assert loaded == [issue["id"]]  # by the poll; the acknowledgement reused them
    (status,) = bridge.staff.ok("GET", f"/issues/{issue['id']}/sync")["items"]
    assert (status["status"], status["pms_number"]) == ("synced", done["number"])


def test_a_long_poll_waits_for_a_change_and_hands_its_command_out(app: App, bridge: Bridge) -> None:
    prop = add_property(bridge.pms)
    bridge.client.sync()
    (unit,) = bridge.staff.ok("GET", "/units", params={"q": prop["name"]})["items"]
    with app.engine.connect() as conn:
        client = bridge_token_service.authenticate(conn, bridge.token, bridge.connection_id)
    waker = bridge_jobs.poll_waker(app)
    told = waker.generation
    handed: list[list[dict[str, Any]]] = []
    waiting = threading.Thread(
        target=lambda: handed.append(bridge_jobs.poll(app, client, wait_s=30)), daemon=True
    )
    waiting.start()
    issue = bridge.staff.ok("POST", "/issues", 201, json={"title": "Boiler", "unit_id": unit["id"]})
    waiting.join(60)
    ((command,),) = handed
    assert (command["op"], command["body"]["issue_id"]) == ("create_work_order", issue["id"])
    assert waker.generation > told  # the report's commit told the waiting poll
    assert waker in app.event_listeners
