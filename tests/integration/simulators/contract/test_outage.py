"""Outage mode: the PMS refuses writes for a while; reads and logging in keep working."""

from __future__ import annotations

from typing import Any

import httpx

from repairlink.simulators.kit.server import Running

from .clients import Simulated


def test_an_outage_refuses_writes_with_its_status_and_retry_after_until_lifted(
    simulated: Simulated, sim: Running[Any], client: httpx.Client
) -> None:
    listed = simulated.lists[0]
    sim.admin("PUT", "outage", {"status": 503, "retry_after": 2})

    refused = simulated.write(client)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "2"
    assert simulated.name.split("(")[0] in refused.text, "the refusal names the simulator"
    assert client.get(listed.path, params=listed.params).status_code == 200
    with sim.client() as fresh:  # logging in is not a write the outage refuses
        assert fresh.get(listed.path, params=listed.params).status_code == 200
    assert sim.admin("GET", "writes")["items"] == []
    assert sim.admin("GET", "outage")["rejected"] == 1

    sim.admin("DELETE", "outage")
    assert simulated.write(client).status_code < 300
    assert len(sim.admin("GET", "writes")["items"]) == 1


def test_an_outage_may_answer_another_status_without_retry_after(
    simulated: Simulated, sim: Running[Any], client: httpx.Client
) -> None:
    sim.admin("PUT", "outage", {"status": 500})
    refused = simulated.write(client)
    assert refused.status_code == 500
    assert "Retry-After" not in refused.headers
