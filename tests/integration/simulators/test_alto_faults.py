"""Injected faults do what they say: throttling, server errors, stalls, malformed records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from repairlink.simulators.alto import FaultSettings, RunningAlto, running_alto


@pytest.fixture
def sim() -> Iterator[RunningAlto]:
    with running_alto(seed=5, units=40) as running:
        yield running


def _statuses(client: httpx.Client, count: int) -> list[int]:
    return [client.get("/tenancies").status_code for _ in range(count)]


def _malformed(item: dict[str, Any]) -> bool:
    lacks_id = "id" not in item and "inventoryId" not in item
    wrong_type = (
        isinstance(item.get("address"), str)
        or isinstance(item.get("people"), str)
        or isinstance(item.get("startDate"), int)
    )
    return lacks_id or wrong_type


class TestFailNext:
    def test_exactly_the_next_n_requests_fail(self, sim: RunningAlto) -> None:
        with sim.client() as client:
            sim.admin("POST", "faults/fail-next", {"count": 2, "kind": "503"})
            assert _statuses(client, 3) == [503, 503, 200]

    def test_admin_requests_are_never_failed(self, sim: RunningAlto) -> None:
        sim.admin("POST", "faults/fail-next", {"count": 1, "kind": "500"})
        assert sim.admin("GET", "summary")["inventory"]["total"] == 40
        with sim.client() as client:
            assert client.get("/suppliers").status_code == 500

    def test_an_unknown_kind_is_400(self, sim: RunningAlto) -> None:
        response = httpx.post(
            f"{sim.base_url}/_admin/faults/fail-next", json={"count": 1, "kind": "418"}
        )
        assert response.status_code == 400


class TestRates:
    def test_throttling_is_429_with_retry_after(self, sim: RunningAlto) -> None:
        sim.admin("PUT", "faults", {"rate_429": 1.0, "retry_after": 7})
        with sim.client() as client:
            response = client.get("/inventory/filter")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "7"

    def test_server_errors_are_5xx(self, sim: RunningAlto) -> None:
        sim.admin("PUT", "faults", {"rate_5xx": 1.0})
        with sim.client() as client:
            assert all(500 <= status < 600 for status in _statuses(client, 10))

    def test_rates_between_zero_and_one_fail_some_requests(self, sim: RunningAlto) -> None:
        sim.admin("PUT", "faults", {"rate_5xx": 0.5, "seed": 3})
        with sim.client() as client:
            statuses = _statuses(client, 40)
        assert 0 < statuses.count(200) < 40

    def test_the_same_fault_seed_fails_the_same_requests(self, sim: RunningAlto) -> None:
        runs = []
        with sim.client() as client:
            for _ in range(2):
                sim.admin("PUT", "faults", {"rate_5xx": 0.3, "rate_429": 0.2, "seed": 9})
                runs.append(_statuses(client, 30))
        assert runs[0] == runs[1]
        assert len(set(runs[0])) > 1

    def test_a_rate_outside_zero_to_one_is_refused(self, sim: RunningAlto) -> None:
        response = httpx.put(f"{sim.base_url}/_admin/faults", json={"rate_429": 1.5})
        assert response.status_code == 400

    def test_injected_faults_are_counted(self, sim: RunningAlto) -> None:
        sim.admin("POST", "faults/fail-next", {"count": 2, "kind": "429"})
        with sim.client() as client:
            _statuses(client, 2)
        assert sim.admin("GET", "stats")["faults_injected"]["429"] == 2


class TestTimeout:
    def test_a_stalled_answer_outlasts_the_client_timeout(self) -> None:
        faults = FaultSettings(timeout_seconds=30)
        with running_alto(units=10, faults=faults) as sim, sim.client(timeout=0.3) as client:
            sim.admin("POST", "faults/fail-next", {"count": 1, "kind": "timeout"})
            with pytest.raises(httpx.ReadTimeout):
                client.get("/tenancies")
            # The stall took only its own request: the next one is served (on the usual
            # timeout: a loaded machine may take longer than 0.3 s to answer it).
            assert client.get("/tenancies", timeout=10).status_code == 200


class TestMalformed:
    def test_every_record_is_broken_at_rate_one(self, sim: RunningAlto) -> None:
        sim.admin("PUT", "faults", {"rate_malformed": 1.0})
        with sim.client() as client:
            for path in ("/inventory/filter", "/tenancies", "/landlords", "/contacts/all"):
                items = client.get(path).json()["items"]
                assert items
                assert all(_malformed(item) for item in items), path

    def test_some_records_are_broken_and_stay_broken(self, sim: RunningAlto) -> None:
        sim.admin("PUT", "faults", {"rate_malformed": 0.3, "seed": 2})
        with sim.client() as client:
            pages = [client.get("/tenancies", params={"max-results": 100}).json() for _ in "ab"]
        broken = [[_malformed(item) for item in page["items"]] for page in pages]
        assert broken[0] == broken[1]
        assert 0 < sum(broken[0]) < len(broken[0])

    def test_both_kinds_of_breakage_occur(self, sim: RunningAlto) -> None:
        sim.admin("PUT", "faults", {"rate_malformed": 1.0})
        with sim.client() as client:
            items = client.get("/contacts/all", params={"max-results": 100}).json()["items"]
        assert any("id" not in item for item in items)
        assert any(isinstance(item.get("people"), str) for item in items)
        assert any(isinstance(item.get("modifiedAt"), int) for item in items)
