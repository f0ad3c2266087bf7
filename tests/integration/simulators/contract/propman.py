"""Propman as the contract suite drives it."""

from __future__ import annotations

from typing import Any

import httpx

from repairlink.simulators.kit.server import Running
from repairlink.simulators.propman import running_propman

from .clients import Edit, Listed, Offset, Refusal, Simulated

PAGING = Offset(max_size=500, total_header=None, items_key="items", total_key="total")
DATES = {"modified_from": "modifiedSince", "modified_to": "modifiedBefore"}
PHONE = Edit("phone", "020 7946 0000", lambda item: item["phone"])


def _refusals(sim: Running[Any]) -> list[Refusal]:
    return [
        Refusal("no credentials at all", {}, 401),
        Refusal("a wrong key", {"x-api-key": "not-the-key"}, 401),
        Refusal("the key in another header", {"Authorization": "propman-sim-key"}, 401),
    ]


def _write(client: httpx.Client) -> httpx.Response:
    order = {
        "issueReference": "IS1",
        "status": "Instructed",
        "title": "Communal door does not close",
        "unitReference": "U000001",
    }
    return client.post("/repair-orders", json=order)


def _listed(kind: str, edit: Edit, new: dict[str, Any]) -> Listed:
    return Listed(f"/{kind}", PAGING, "id", kind, edit, new=new, **DATES)


PROPMAN = Simulated(
    name="Propman",
    start=lambda: running_propman(seed=5, units=90),
    refusals=_refusals,
    lists=(
        _listed("estates", Edit("name", "Riverside Estate", lambda i: i["name"]), {}),
        _listed(
            "buildings",
            Edit("postcode", "SE1 9SG", lambda i: i["address"]["postcode"]),
            {"estateId": 1_000_001},
        ),
        _listed(
            "units",
            Edit("flat", "Flat 99", lambda i: i["address"]["flat"]),
            {"buildingId": 2_000_001},
        ),
        _listed("agents", PHONE, {"username": "new.agent"}),
        _listed("suppliers", PHONE, {}),
        _listed("owners", PHONE, {"unitId": 3_000_002}),
        _listed("rmcs", PHONE, {}),
    ),
    write=_write,
)
