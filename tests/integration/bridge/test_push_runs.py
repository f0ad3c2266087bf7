"""Pages pushed into one open run (docs/bridge.md): one run row and one report for a whole
read, applied as pulled pages are; a dry run writes nothing; bad pages are refused or
quarantined as single pushed pages are."""

from __future__ import annotations

from typing import Any

import orjson
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.store.sync_tables import sync_runs
from tests.integration.bridge.conftest import Bridge
from tests.integration.bridge.platform_data import (
    WINDOW,
    add_property,
    add_resident,
    property_item,
)


def _resident(rid: int, pid: int) -> dict[str, Any]:
    return {"id": rid, "propertyId": pid, "lastName": f"Tenant{rid}", "moveIn": "2024-01-01"}


def _open(bridge: Bridge, *, dry_run: bool = False) -> int:
    response = bridge.as_client("POST", "/runs", json={"window": WINDOW, "dry_run": dry_run})
    assert response.status_code == 201, response.text
    return int(response.json()["run_id"])


def _page(bridge: Bridge, run_id: int, stream: str, items: list[Any]) -> Any:
    body = orjson.dumps({"items": items})
    headers = {"Content-Type": "application/json"}
    return bridge.as_client("POST", f"/runs/{run_id}/pages/{stream}", content=body, headers=headers)


def _finish(bridge: Bridge, run_id: int) -> Any:
    response = bridge.as_client("POST", f"/runs/{run_id}/finish")
    assert response.status_code == 200, response.text
    return response.json()


def _runs(app: App, connection_id: int) -> int:
    with app.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).where(sync_runs.c.connection_id == connection_id)
            ).scalar_one()
        )


def test_many_pages_of_several_lists_make_one_run_and_one_report(app: App, bridge: Bridge) -> None:
    run_id = _open(bridge)
    for first in (1, 3, 5):
        pair = [property_item(first), property_item(first + 1)]
        assert _page(bridge, run_id, "properties", pair).json()["items"] == 2
    assert (
        _page(bridge, run_id, "residents", [_resident(70, 1), _resident(71, 6)]).status_code == 202
    )
    report = _finish(bridge, run_id)
    assert (report["run_id"], report["status"], report["dry_run"]) == (run_id, "succeeded", False)
    assert report["counts"]["unit"]["created"] == 6
    assert report["counts"]["occupier"]["created"] == 2
    assert report["counts"]["tenancy"]["created"] == 2
    assert _runs(app, bridge.connection_id) == 1
    assert len(bridge.staff.ok("GET", "/units")["items"]) == 6
    run = bridge.staff.ok("GET", f"/sync-runs/{run_id}")
    assert run["status"] == "succeeded"
    # finished twice: the same report; a page after it finds no open run
    assert _finish(bridge, run_id)["counts"] == report["counts"]
    assert _page(bridge, run_id, "properties", [property_item(9)]).status_code == 404


def test_a_page_pushed_twice_changes_nothing_and_a_malformed_record_is_quarantined(
    bridge: Bridge,
) -> None:
    items = [property_item(1), {"id": 2, "city": "Leeds"}, "not a record", property_item(3)]
    run_id = _open(bridge)
    _page(bridge, run_id, "properties", items)
    _page(bridge, run_id, "properties", items)
    report = _finish(bridge, run_id)
    assert report["counts"]["unit"]["created"] == 2
    assert report["counts"]["unit"]["unchanged"] == 2
    reasons = {q["external_id"]: q["reason"] for q in report["quarantined"]}
    assert "name" in reasons["2"]
    again = _open(bridge)
    _page(bridge, again, "properties", items)
    assert _finish(bridge, again)["counts"]["unit"].get("created", 0) == 0
    assert len(bridge.staff.ok("GET", "/units")["items"]) == 2


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(bridge: Bridge) -> None:
    run_id = _open(bridge, dry_run=True)
    _page(bridge, run_id, "properties", [property_item(1), property_item(2)])
    _page(bridge, run_id, "residents", [_resident(80, 1)])
    report = _finish(bridge, run_id)
    assert report["dry_run"] is True
    assert report["counts"]["unit"]["created"] == 2
    assert report["counts"]["tenancy"]["created"] == 1  # it saw its own units
    assert bridge.staff.ok("GET", "/units", params={"status": "all"})["items"] == []


def test_bad_pages_are_refused_naming_the_field_and_lose_nothing_else(bridge: Bridge) -> None:
    run_id = _open(bridge)
    too_big = _page(bridge, run_id, "properties", [property_item(500000 + n) for n in range(1001)])
    assert (too_big.status_code, too_big.json()["field"]) == (413, "items")
    headers = {"Content-Type": "application/json"}
    not_json = bridge.as_client(
        "POST", f"/runs/{run_id}/pages/properties", content=b"{", headers=headers
    )
    assert (not_json.status_code, not_json.json()["field"]) == (422, "body")
    no_items = bridge.as_client(
        "POST", f"/runs/{run_id}/pages/properties", json={"rows": []}, headers=headers
    )
    assert (no_items.status_code, no_items.json()["field"]) == (422, "items")
    unknown = _page(bridge, run_id, "leases", [])
    assert (unknown.status_code, unknown.json()["field"]) == (422, "stream")
    assert _page(bridge, run_id, "residents", []).status_code == 202
    late = _page(bridge, run_id, "properties", [property_item(1)])  # its list is over
    assert (late.status_code, late.json()["field"]) == (409, "stream")
    assert _page(bridge, 999999, "properties", []).status_code == 404
    assert _finish(bridge, run_id)["status"] == "succeeded"
    assert bridge.staff.ok("GET", "/units")["items"] == []


def test_the_reference_client_pushes_a_whole_read_as_one_run(app: App, bridge: Bridge) -> None:
    home = add_property(bridge.pms)
    for _ in range(6):  # pages of five
        add_property(bridge.pms)
    add_resident(bridge.pms, home["id"])
    (report,) = bridge.client.sync()
    assert report["counts"]["unit"]["created"] == 7
    assert report["counts"]["tenancy"]["created"] == 1
    assert bridge.client.pages == 3
    assert _runs(app, bridge.connection_id) == 1


def test_an_item_json_readers_refuse_is_quarantined_alone_and_the_rest_applied(
    bridge: Bridge,
) -> None:
    """S-04: a page whose JSON is well formed but one of whose items no JSON reader takes (a
    number out of range, a string that is not UTF-8) is accepted; those items are quarantined
    and the rest of the page applied."""
    run_id = _open(bridge)
    good = b",".join(orjson.dumps(property_item(n)) for n in (1, 2))
    body = b'{"items": [' + good + b', {"id": 3, "size": 1e999}, {"id": 4, "name": "\xff"}]}'
    headers = {"Content-Type": "application/json"}
    pushed = bridge.as_client(
        "POST", f"/runs/{run_id}/pages/properties", content=body, headers=headers
    )
    assert (pushed.status_code, pushed.json()["items"]) == (202, 4)
    report = _finish(bridge, run_id)
    assert report["status"] == "succeeded"
    assert report["counts"]["unit"]["created"] == 2
    reasons = [q["reason"] for q in report["quarantined"]]
    assert len(reasons) == 2
    assert all(reason.startswith("item: not JSON") for reason in reasons)
    assert len(bridge.staff.ok("GET", "/units")["items"]) == 2
