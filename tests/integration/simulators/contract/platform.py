"""The generic PMS of the browser-extension bridge, as the contract suite drives it."""

from __future__ import annotations

from typing import Any

import httpx

from repairlink.simulators.kit.server import Running
from repairlink.simulators.platform import API_KEY, running_platform

from .clients import Edit, Listed, Offset, Refusal, Simulated

PAGING = Offset(max_size=500, total_header=None, items_key="items", total_key="total")
DATES = {"modified_from": "updatedSince", "modified_to": "updatedUntil"}


def _refusals(sim: Running[Any]) -> list[Refusal]:
    return [
        Refusal("no credentials at all", {}, 401),
        Refusal("a wrong key", {"x-api-key": API_KEY + "-not"}, 401),
    ]


def _write(client: httpx.Client) -> httpx.Response:
    return client.post("/work-orders", json={"propertyId": 100001, "summary": "Tap drips"})


PLATFORM = Simulated(
    name="Platform",
    start=lambda: running_platform(seed=5, units=40),
    refusals=_refusals,
    lists=(
        Listed(
            "/properties",
            PAGING,
            "id",
            "properties",
            Edit("hidden", True, lambda item: item["hidden"]),
            new={"name": "1 New Street"},
            **DATES,
        ),
        Listed(
            "/residents",
            PAGING,
            "id",
            "residents",
            Edit("moveOut", "2027-01-31", lambda item: item["moveOut"]),
            new={"firstName": "Ada"},
            **DATES,
        ),
        Listed(
            "/work-orders",
            PAGING,
            "id",
            "work-orders",
            Edit("status", "Complete", lambda item: item["status"]),
            new={"summary": "Broken window"},
            **DATES,
        ),
    ),
    write=_write,
)
