"""Injected faults as a client meets them: throttling, server errors, broken records."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from repairlink.simulators.kit.server import Running

from .clients import Item, Listed, Simulated


def _get(client: httpx.Client, listed: Listed) -> httpx.Response:
    return client.get(listed.path, params=listed.params)


def test_a_throttled_request_is_429_with_retry_after_and_the_next_one_is_served(
    simulated: Simulated, sim: Running[Any], client: httpx.Client
) -> None:
    listed = simulated.lists[0]
    sim.admin("PUT", "faults", {"retry_after": 7})
    sim.admin("POST", "faults/fail-next", {"count": 1, "kind": "429"})
    throttled, next_one = _get(client, listed), _get(client, listed)
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "7"
    assert next_one.status_code == 200


@pytest.mark.parametrize("status", [500, 502, 503])
def test_fail_next_fails_exactly_that_many_requests_with_that_server_error(
    simulated: Simulated, sim: Running[Any], client: httpx.Client, status: int
) -> None:
    listed = simulated.lists[0]
    sim.admin("POST", "faults/fail-next", {"count": 2, "kind": str(status)})
    statuses = [_get(client, listed).status_code for _ in range(3)]
    assert statuses == [status, status, 200]
    assert sim.admin("GET", "stats")["faults_injected"][str(status)] == 2


def test_fail_next_with_a_path_fails_only_requests_to_that_path(
    simulated: Simulated, sim: Running[Any], client: httpx.Client
) -> None:
    listed = simulated.lists[0]
    assert simulated.write(client).status_code < 300
    (accepted,) = sim.admin("GET", "writes")["items"]
    sim.admin("POST", "faults/fail-next", {"count": 1, "kind": "503", "path": accepted["path"]})
    assert _get(client, listed).status_code == 200
    assert simulated.write(client).status_code == 503
    assert len(sim.admin("GET", "writes")["items"]) == 1
    assert _get(client, listed).status_code == 200


def _first_page(client: httpx.Client, listed: Listed) -> list[Item]:
    return next(listed.paging.pages(client, listed.path, listed.params, 20)).items


def _broken(item: Item, whole: Item, listed: Listed) -> bool:
    """No id, or some field of another type than the whole record has."""
    if listed.id_key not in item:
        return True
    return any(type(item[key]) is not type(whole[key]) for key in whole if key in item)


def test_malformed_records_are_served_broken_and_whole_again_once_healed(
    listed: Listed, sim: Running[Any], client: httpx.Client
) -> None:
    whole = _first_page(client, listed)
    sim.admin("PUT", "faults", {"rate_malformed": 1.0})
    broken = _first_page(client, listed)
    sim.admin("PUT", "faults", {"rate_malformed": 0.0})
    healed = _first_page(client, listed)
    assert len(broken) == len(whole)
    assert all(_broken(b, w, listed) for b, w in zip(broken, whole, strict=True))
    assert healed == whole
