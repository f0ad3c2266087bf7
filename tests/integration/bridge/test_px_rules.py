"""PX-01..PX-08, the browser-extension PMS's rules, through the platform simulator (real HTTP),
the reference client that plays the extension, and the bridge API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.services.auth import Principal
from repairlink.services.issue_search import IssueQuery, find_issues
from tests.integration.bridge.conftest import Bridge
from tests.integration.bridge.platform_data import (
    add_order,
    add_property,
    add_resident,
    issues,
    unit_named,
)

ASSIGNED = {"sync_method": "assigned"}


def _report(bridge: Bridge, unit: dict[str, Any], title: str = "Boiler broken") -> Any:
    return bridge.staff.ok("POST", "/issues", 201, json={"title": title, "unit_id": unit["id"]})


def _sync_status(bridge: Bridge, issue_id: int) -> Any:
    (status,) = bridge.staff.ok("GET", f"/issues/{issue_id}/sync")["items"]
    return status


def _orders(bridge: Bridge) -> list[dict[str, Any]]:
    with bridge.pms.client() as pms:
        listed = pms.get("/work-orders", params={"createdSince": "2026-01-01T00:00:00Z"})
    return list(listed.json()["items"])


def _made(bridge: Bridge, word: str) -> dict[str, Any]:
    """The one work order the client made in the PMS for an issue titled with `word`."""
    found = [o for o in _orders(bridge) if word in o["summary"]]
    assert len(found) == 1, f"{found}; the client's acknowledgements: {bridge.client.acknowledged}"
    return found[0]


def test_px_01_no_initial_sync_each_run_reads_the_last_72_hours(bridge: Bridge) -> None:
    fresh = add_property(bridge.pms)
    reports = bridge.client.sync()
    # nothing older than 72 hours comes in: only what changed since (the simulator's generated
    # properties are all older), and no run reads everything
    units = bridge.staff.ok("GET", "/units", params={"status": "all"})["items"]
    assert [u["line1"] for u in units] == [fresh["name"]]
    for report in reports:
        window = datetime.fromisoformat(report["window_to"]) - datetime.fromisoformat(
            report["window_from"]
        )
        assert window == timedelta(hours=72)
    connector = bridge.staff.ok("GET", "/connectors/platform")
    (schedule,) = connector["schedules"]
    assert "last 72 hours" in schedule["when"]
    assert "no initial full sync" in schedule["when"]


def test_px_02_a_property_hidden_in_the_pms_becomes_inactive_and_never_active_again(
    bridge: Bridge,
) -> None:
    prop = add_property(bridge.pms)
    bridge.client.sync()
    assert unit_named(bridge.staff, prop["name"])["active"] is True
    bridge.pms.admin("PATCH", f"properties/{prop['id']}", {"hidden": True})
    bridge.client.sync()
    assert unit_named(bridge.staff, prop["name"])["active"] is False
    # unhidden, and renamed: an inactive property changes no more
    bridge.pms.admin("PATCH", f"properties/{prop['id']}", {"hidden": False, "city": "York"})
    reports = bridge.client.sync()
    unit = unit_named(bridge.staff, prop["name"])
    assert unit["active"] is False
    assert unit["town"] != "York"
    skipped = sum(sum(r["skip_reasons"].get("unit", {}).values()) for r in reports)
    assert skipped == 1


def test_px_03_a_resident_changes_only_in_dates_and_unit_never_name_or_contacts(
    bridge: Bridge,
) -> None:
    home, other = add_property(bridge.pms), add_property(bridge.pms)
    resident = add_resident(bridge.pms, home["id"])
    bridge.client.sync()
    (occupier,) = bridge.staff.ok("GET", "/occupiers", params={"q": resident["lastName"]})["items"]
    later = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    changes = {"lastName": "Renamed", "email": "new@example.com", "moveOut": later}
    bridge.pms.admin("PATCH", f"residents/{resident['id']}", {**changes, "propertyId": other["id"]})
    bridge.client.sync()
    same = bridge.staff.ok("GET", f"/occupiers/{occupier['id']}")
    assert (same["surname"], same["email"]) == (occupier["surname"], occupier["email"])
    (tenancy,) = bridge.staff.ok("GET", "/tenancies", params={"occupier_id": occupier["id"]})[
        "items"
    ]
    assert tenancy["end_date"] == later
    assert tenancy["unit_id"] == unit_named(bridge.staff, other["name"])["id"]
    # once moved out, the resident changes no more
    past = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    bridge.pms.admin("PATCH", f"residents/{resident['id']}", {"moveOut": past})
    bridge.client.sync()
    bridge.pms.admin("PATCH", f"residents/{resident['id']}", {"moveIn": "2023-05-05"})
    reports = bridge.client.sync()
    (tenancy,) = bridge.staff.ok("GET", "/tenancies", params={"occupier_id": occupier["id"]})[
        "items"
    ]
    assert tenancy["end_date"] == past
    assert tenancy["active"] is False
    assert tenancy["start_date"] == "2024-01-01"
    assert any(r["skip_reasons"].get("tenancy") for r in reports)


@pytest.mark.parametrize("settings", [ASSIGNED], indirect=True)
def test_px_04_assigned_takes_in_only_the_integration_users_work_orders_and_stops_updates(
    bridge: Bridge,
) -> None:
    prop = add_property(bridge.pms)
    add_order(bridge.pms, prop["id"], summary="Ours")
    add_order(bridge.pms, prop["id"], summary="Someone else's", assigneeId=2)
    bridge.client.sync()
    assert [i["title"] for i in issues(bridge.staff)] == ["Ours"]
    # every platform work order is created in the PMS...
    issue = _report(bridge, unit_named(bridge.staff, prop["name"]))
    bridge.client.run_commands()
    assert _sync_status(bridge, issue["id"])["status"] == "synced"
    made = _made(bridge, "Boiler")
    # ...but once the PMS unassigns it, later changes are not sent
    bridge.pms.admin("PATCH", f"work-orders/{made['id']}", {"assigneeId": 3})
    bridge.staff.ok("POST", f"/issues/{issue['id']}/cancel", json={"reason": "Duplicate"})
    bridge.client.run_commands()
    status = _sync_status(bridge, issue["id"])  # still in step as far as it may be
    assert "no longer assigned to the integration user" in status["reason"]
    assert bridge.pms.admin("GET", f"work-orders/{made['id']}")["status"] == "Assigned"


@pytest.mark.parametrize("settings", [{"sync_method": "none"}], indirect=True)
def test_px_04_none_syncs_no_work_orders_either_way(bridge: Bridge) -> None:
    prop = add_property(bridge.pms)
    add_order(bridge.pms, prop["id"])
    reports = bridge.client.sync()
    assert issues(bridge.staff) == []
    assert any(r["skip_reasons"].get("issue") for r in reports)
    issue = _report(bridge, unit_named(bridge.staff, prop["name"]))
    assert bridge.client.run_commands() == 0
    status = _sync_status(bridge, issue["id"])
    assert status["status"] == "not_sent"
    assert "no work orders" in status["reason"]


def test_px_04_all_takes_in_every_work_order(bridge: Bridge) -> None:
    prop = add_property(bridge.pms)
    add_order(bridge.pms, prop["id"], summary="Ours")
    add_order(bridge.pms, prop["id"], summary="Theirs", assigneeId=2)
    bridge.client.sync()
    assert sorted(i["title"] for i in issues(bridge.staff)) == ["Ours", "Theirs"]


def test_px_05_a_work_order_is_never_updated_from_the_pms_once_created(bridge: Bridge) -> None:
    prop = add_property(bridge.pms)
    order = add_order(bridge.pms, prop["id"], summary="Dripping tap")
    bridge.client.sync()
    (issue,) = issues(bridge.staff)
    bridge.pms.admin(
        "PATCH", f"work-orders/{order['id']}", {"summary": "Flood", "status": "Complete"}
    )
    bridge.client.sync()
    (same,) = issues(bridge.staff)
    assert (same["title"], same["status"]) == ("Dripping tap", issue["status"])
    # and an issue raised here, once in the PMS, is not taken in again from it
    mine = _report(bridge, unit_named(bridge.staff, prop["name"]))
    bridge.client.run_commands()
    bridge.client.sync()
    assert len(issues(bridge.staff)) == 2
    assert bridge.staff.ok("GET", f"/issues/{mine['id']}")["title"] == "Boiler broken"


def test_px_06_a_new_issue_goes_assigned_and_later_only_complete_or_cancelled(
    bridge: Bridge,
) -> None:
    prop = add_property(bridge.pms)
    bridge.client.sync()
    unit = unit_named(bridge.staff, prop["name"])
    issue = _report(bridge, unit)
    bridge.client.run_commands()
    made = _made(bridge, "Boiler")
    assert (made["status"], made["assigneeId"]) == ("Assigned", 1)
    assert made["propertyId"] == prop["id"]
    # forwarded to the property manager: nothing is sent
    forwarded = _report(bridge, unit, "Fence down")
    bridge.client.run_commands()
    bridge.staff.ok("POST", f"/issues/{forwarded['id']}/forward", json={"reason": "PM's"})
    bridge.client.run_commands()
    fence = _made(bridge, "Fence")
    assert fence["status"] == "Assigned"
    bridge.staff.ok("POST", f"/issues/{issue['id']}/cancel", json={"reason": "Fixed itself"})
    bridge.client.run_commands()
    assert bridge.pms.admin("GET", f"work-orders/{made['id']}")["status"] == "Cancelled"


@pytest.mark.parametrize("settings", [{"sync_start": "2099-01-01"}], indirect=True)
def test_px_06_nothing_goes_before_the_sync_start_date_and_the_issue_says_why(
    bridge: Bridge,
) -> None:
    prop = add_property(bridge.pms)
    bridge.client.sync()
    issue = _report(bridge, unit_named(bridge.staff, prop["name"]))
    bridge.client.run_commands()
    status = _sync_status(bridge, issue["id"])
    assert status["status"] == "not_sent"
    assert "sync start date" in status["reason"]
    assert _orders(bridge) == []


def test_px_06_a_property_not_assigned_to_the_integration_user_takes_nothing(
    bridge: Bridge,
) -> None:
    prop = add_property(bridge.pms, assignedUserId=2)
    bridge.client.sync()
    issue = _report(bridge, unit_named(bridge.staff, prop["name"]))
    bridge.client.run_commands()
    status = _sync_status(bridge, issue["id"])
    assert status["status"] == "not_sent"
    assert "not assigned to the integration user" in status["reason"]
    assert _orders(bridge) == []


def test_px_07_the_pms_number_becomes_the_issues_and_the_old_one_still_finds_it(
    app: App, agency_id: int, bridge: Bridge
) -> None:
    prop = add_property(bridge.pms)
    bridge.client.sync()
    issue = _report(bridge, unit_named(bridge.staff, prop["name"]))
    bridge.client.run_commands()
    made = _made(bridge, "Boiler")
    assert _sync_status(bridge, issue["id"])["pms_number"] == made["number"]
    by_pms = bridge.staff.ok("GET", "/issues", params={"number": made["number"]})["items"]
    by_ours = bridge.staff.ok("GET", "/issues", params={"number": issue["reference"]})["items"]
    assert [i["id"] for i in by_pms] == [i["id"] for i in by_ours] == [issue["id"]]
    # the console's search box finds it by either number too
    who = Principal(agency_id, Role.ADMIN, None, Actor.system("test"))
    for typed in (made["number"], issue["reference"]):
        found = find_issues(app.uow(who.actor, agency_id), who, IssueQuery(q=typed))
        assert [i.id for i in found.items] == [issue["id"]]


def test_px_07_a_work_order_raised_in_the_pms_is_not_renumbered_with_its_id(
    bridge: Bridge,
) -> None:
    """PX-07 renumbers on the first successful create, which a work order raised in the PMS
    never has: its issue keeps its own number, and the PMS's id is not shown as a number."""
    prop = add_property(bridge.pms)
    order = add_order(bridge.pms, prop["id"], summary="Dripping tap")
    bridge.client.sync()
    bridge.client.run_commands()
    (issue,) = issues(bridge.staff)
    assert _sync_status(bridge, issue["id"])["pms_number"] in (None, order["number"])
    by_id = bridge.staff.ok("GET", "/issues", params={"number": str(order["id"])})["items"]
    assert by_id == []
    assert bridge.staff.ok("GET", "/issues", params={"number": issue["reference"]})["items"]


def test_px_08_sync_all_asks_the_client_for_a_full_run_and_leases_and_files_are_unsupported(
    bridge: Bridge,
) -> None:
    bridge.staff.ok("POST", "/connections/platform/sync-all", 202)
    prop = add_property(bridge.pms)
    (command,) = bridge.as_client("POST", "/poll").json()["items"]
    assert (command["op"], command["body"]) == ("sync_all", {"hours": 72})
    assert bridge.as_client("POST", "/poll").json()["items"] == []  # leased to the first
    assert bridge.client.run_commands() == 0
    done = bridge.client.apply(command)
    bridge.as_client("POST", f"/commands/{command['id']}/ack", json=done)
    assert unit_named(bridge.staff, prop["name"])["active"] is True
    unsupported = bridge.staff.ok("GET", "/connectors/platform")["unsupported"]
    assert {u["what"] for u in unsupported} == {"leases", "files"}
