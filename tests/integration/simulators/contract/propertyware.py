"""Propertyware as the contract suite drives it."""

from __future__ import annotations

from typing import Any

import httpx

from repairlink.simulators.kit.server import Running
from repairlink.simulators.propertyware import running_propertyware

from .clients import Edit, Listed, Offset, Refusal, Simulated

PAGING = Offset(max_size=500)
DATES = {"modified_from": "lastModifiedDateTimeStart", "modified_to": "lastModifiedDateTimeEnd"}
HEADERS = ("x-propertyware-client-id", "x-propertyware-client-secret", "x-propertyware-system-id")


def _refusals(sim: Running[Any]) -> list[Refusal]:
    good = sim.state.auth.client_headers(sim.base_url)
    refused = [Refusal("no credentials at all", {}, 401)]
    for header in HEADERS:
        without = {k: v for k, v in good.items() if k != header}
        refused.append(Refusal(f"no {header}", without, 401))
        refused.append(Refusal(f"a wrong {header}", {**good, header: "wrong"}, 401))
    return refused


def _write(client: httpx.Client) -> httpx.Response:
    return client.post("/workorders", json={"unitID": 3000010, "description": "Leaking faucet"})


PROPERTYWARE = Simulated(
    name="Propertyware",
    start=lambda: running_propertyware(seed=7, units=60),
    refusals=_refusals,
    lists=(
        Listed(
            "/units",
            PAGING,
            "id",
            "units",
            Edit("postalCode", "94110", lambda item: item["address"]["postalCode"]),
            params={"includeDeactivated": "true"},
            new={"postalCode": "94103"},
            **DATES,
        ),
        Listed(
            "/buildings",
            PAGING,
            "id",
            "buildings",
            Edit("city", "Berkeley", lambda item: item["address"]["city"]),
            **DATES,
        ),
        Listed(
            "/leases",
            PAGING,
            "id",
            "leases",
            Edit("rent", 2999.0, lambda item: item["rent"]),
            **DATES,
        ),
        Listed(
            "/contacts",
            PAGING,
            "id",
            "contacts",
            Edit("lastName", "Okafor", lambda item: item["lastName"]),
            params={"type": "TENANT"},
            **DATES,
        ),
        Listed(
            "/vendors",
            PAGING,
            "id",
            "vendors",
            Edit("phone", "(510) 555-0000", lambda item: item["phone"]),
            **DATES,
        ),
        Listed(
            "/workorders",
            PAGING,
            "id",
            "workorders",
            Edit("description", "Fixed text", lambda item: item["description"]),
            **DATES,
        ),
    ),
    write=_write,
)
