"""What the write side shares: auth, faults, the log of accepted writes and outage mode."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from repairlink.simulators.alto import RunningAlto

PROPERTY = "10000010"
ORDER = {
    "propertyId": PROPERTY,
    "summary": "Broken window",
    "priority": "Urgent",
    "reportedDate": "2026-11-22T08:00:00Z",
}


@pytest.fixture
def api(own_alto: RunningAlto) -> Iterator[httpx.Client]:
    with own_alto.client() as client:
        yield client


def _writes(sim: RunningAlto, since: int = 0) -> list[dict[str, Any]]:
    return list(sim.admin("GET", f"writes?since={since}")["items"])


def _status(api: httpx.Client, work_order: str, status: str, key: str) -> httpx.Response:
    patch = [{"op": "replace", "path": "/status", "value": status}]
    return api.patch(f"/work-orders/{work_order}", json=patch, headers={"Idempotency-Key": key})


class TestWriteLog:
    def test_every_accepted_write_is_logged_in_order(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        created = api.post("/work-orders", json=ORDER, headers={"Idempotency-Key": "issue-1"})
        work_order = created.json()["id"]
        _status(api, work_order, "Complete Awaiting Invoice", "issue-1-completed")
        api.patch(
            f"/work-orders/{work_order}", json=[{"op": "add", "path": "/notes", "value": "x"}]
        )
        api.post(
            f"/work-orders/{work_order}/documents",
            files={"file": ("report.pdf", b"%PDF", "application/pdf")},
        )
        charge = api.post(
            f"/inventory/{PROPERTY}/charges",
            data={"chargeType": "Maintenance", "workOrderId": work_order},
        ).json()
        log = _writes(own_alto)
        assert [entry["seq"] for entry in log] == [1, 2, 3, 4, 5]
        assert [(entry["method"], entry["path"]) for entry in log] == [
            ("POST", "/work-orders"),
            ("PATCH", f"/work-orders/{work_order}"),
            ("PATCH", f"/work-orders/{work_order}"),
            ("POST", f"/work-orders/{work_order}/documents"),
            ("POST", f"/inventory/{PROPERTY}/charges"),
        ]
        assert [entry["idempotency_key"] for entry in log[:3]] == [
            "issue-1",
            "issue-1-completed",
            None,
        ]
        assert {entry["work_order_id"] for entry in log} == {int(work_order)}
        assert [entry["status"] for entry in log] == [
            "Supplier instructed",
            "Complete Awaiting Invoice",
            None,
            None,
            None,
        ]
        assert log[4]["resource_id"] == int(charge["id"])
        times = [entry["received_at"] for entry in log]
        assert times == sorted(times)
        assert all(isinstance(moment, float) for moment in times)

    def test_since_gives_only_later_writes(self, api: httpx.Client, own_alto: RunningAlto) -> None:
        for _ in range(3):
            api.post("/work-orders", json=ORDER)
        answer = own_alto.admin("GET", "writes?since=2")
        assert [entry["seq"] for entry in answer["items"]] == [3]
        assert answer["last_seq"] == 3
        assert own_alto.admin("GET", "writes?since=3") == {"items": [], "last_seq": 3}

    def test_a_bad_since_is_400(self, own_alto: RunningAlto) -> None:
        assert httpx.get(f"{own_alto.base_url}/_admin/writes?since=abc").status_code == 400

    def test_refused_writes_are_not_logged(self, api: httpx.Client, own_alto: RunningAlto) -> None:
        api.post("/work-orders", json={**ORDER, "summary": ""})
        api.patch("/work-orders/60000099", json=[{"op": "add", "path": "/notes", "value": "x"}])
        api.post(f"/inventory/{PROPERTY}/charges", data={"chargeType": "Repairs"})
        httpx.post(f"{own_alto.base_url}/work-orders", json=ORDER)  # no token
        assert _writes(own_alto) == []

    def test_status_history_keeps_every_status_with_its_receipt(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        work_order = api.post("/work-orders", json=ORDER).json()["id"]
        _status(api, work_order, "Complete Awaiting Invoice", "a")
        _status(api, work_order, "Complete Invoicing Received", "b")
        history = own_alto.admin("GET", "work-orders")["items"][0]["statusHistory"]
        log = _writes(own_alto)
        assert history == [
            {"status": entry["status"], "seq": entry["seq"], "received_at": entry["received_at"]}
            for entry in log
        ]


class TestAuthAndFaults:
    def test_writes_need_the_token_and_the_agency(self, own_alto: RunningAlto) -> None:
        url = f"{own_alto.base_url}/work-orders"
        token = {"Authorization": f"Bearer {own_alto.token()}"}
        assert httpx.post(url, json=ORDER).status_code == 401
        other_agency = {**token, "AgencyRef": "00000000-0000-0000-0000-000000000000"}
        assert httpx.post(url, json=ORDER, headers=other_agency).status_code == 403
        assert httpx.post(url, json=ORDER, headers=token).status_code == 400

    def test_an_injected_failure_applies_nothing(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        own_alto.admin("POST", "faults/fail-next", {"count": 1, "kind": "503"})
        assert api.post("/work-orders", json=ORDER).status_code == 503
        assert _writes(own_alto) == []
        assert api.post("/work-orders", json=ORDER).json()["workOrderNumber"] == "WO-000001"

    def test_write_requests_are_counted_by_endpoint(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        api.post("/work-orders", json=ORDER)
        api.post("/work-orders", json={})
        by_endpoint = own_alto.admin("GET", "stats")["by_endpoint"]
        assert by_endpoint["POST /work-orders"] == 2


class TestOutage:
    def test_writes_are_refused_and_not_recorded_while_reads_work(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        work_order = api.post("/work-orders", json=ORDER).json()["id"]
        own_alto.admin("PUT", "outage", {"status": 503, "retry_after": 1})
        refused = [
            api.post("/work-orders", json=ORDER),
            _status(api, work_order, "Complete", "k"),
            api.post(f"/inventory/{PROPERTY}/charges", data={"chargeType": "Maintenance"}),
            api.post(f"/work-orders/{work_order}/documents", files={"file": ("a", b"b")}),
            api.delete(f"/work-orders/{work_order}"),
        ]
        assert [response.status_code for response in refused] == [503] * 5
        assert all(response.headers["Retry-After"] == "1" for response in refused)
        assert api.get(f"/work-orders/{work_order}").json()["status"] == "Supplier instructed"
        assert api.get("/tenancies").status_code == 200
        assert own_alto.token()
        assert [entry["seq"] for entry in _writes(own_alto)] == [1]
        assert own_alto.admin("GET", "outage") == {
            "active": True,
            "status": 503,
            "retry_after": 1,
            "rejected": 5,
        }
        own_alto.admin("DELETE", "outage")
        assert _status(api, work_order, "Complete", "k").status_code == 200
        assert [entry["seq"] for entry in _writes(own_alto)] == [1, 2]

    def test_another_status_without_retry_after(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        own_alto.admin("PUT", "outage", {"status": 500})
        response = api.post("/work-orders", json=ORDER)
        assert response.status_code == 500
        assert "Retry-After" not in response.headers
        assert response.json()["status"] == 500

    @pytest.mark.parametrize(
        "body", [{"status": 200}, {"status": "503"}, {"retry_after": -1}, {"colour": "red"}]
    )
    def test_bad_outage_settings_are_400(self, own_alto: RunningAlto, body: dict[str, Any]) -> None:
        response = httpx.put(f"{own_alto.base_url}/_admin/outage", json=body)
        assert response.status_code == 400
        assert own_alto.admin("GET", "outage")["active"] is False
