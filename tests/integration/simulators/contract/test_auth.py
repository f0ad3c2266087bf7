"""Credentials: what a client without good ones meets, and that good ones are enough."""

from __future__ import annotations

from typing import Any

import httpx

from repairlink.simulators.kit.server import Running

from .clients import Listed, Simulated


def test_requests_without_good_credentials_are_refused_with_the_pms_status(
    simulated: Simulated, shared: Running[Any]
) -> None:
    path = simulated.lists[0].path
    for refusal in simulated.refusals(shared):
        response = httpx.get(f"{shared.base_url}{path}", headers=refusal.headers)
        assert response.status_code == refusal.status, refusal.what


def test_a_write_without_credentials_is_refused_and_applies_nothing(
    simulated: Simulated, sim: Running[Any]
) -> None:
    with httpx.Client(base_url=sim.base_url) as anonymous:
        assert simulated.write(anonymous).status_code == 401
    assert sim.admin("GET", "writes")["items"] == []


def test_good_credentials_read_every_list_and_write(
    simulated: Simulated, sim: Running[Any]
) -> None:
    with sim.client() as client:
        for listed in simulated.lists:
            response = client.get(listed.path, params=listed.params)
            assert response.status_code == 200, (listed.label, response.text)
        assert simulated.write(client).status_code in (200, 201, 204)


def test_good_credentials_open_each_list(listed: Listed, shared: Running[Any]) -> None:
    with shared.client() as client:
        assert client.get(listed.path, params=listed.params).status_code == 200
