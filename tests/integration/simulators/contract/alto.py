"""Alto as the contract suite drives it."""

from __future__ import annotations

from typing import Any, cast

import httpx

from repairlink.simulators.alto import RunningAlto, running_alto
from repairlink.simulators.kit.server import Running

from .clients import Cursor, Edit, Listed, Refusal, Simulated

KEBAB_100 = Cursor("next-token", "max-results", 100)
KEBAB_250 = Cursor("next-token", "max-results", 250)
CAMEL_100 = Cursor("nextToken", "maxResults", 100)
DATES = {"modified_from": "modified-from", "modified_to": "modified-to"}
SURNAME_IN_PEOPLE = Edit("surname", "Okonkwo", lambda item: item["people"][0]["surname"])


def _refusals(sim: Running[Any]) -> list[Refusal]:
    alto = cast(RunningAlto, sim)
    token = {"Authorization": f"Bearer {alto.token()}"}
    agency = {"AgencyRef": alto.agency_ref}
    other_agency = {"AgencyRef": "00000000-0000-0000-0000-000000000000"}
    return [
        Refusal("no credentials at all", {}, 401),
        Refusal("no token", agency, 401),
        Refusal("a token it never issued", {"Authorization": "Bearer made-up", **agency}, 401),
        Refusal("a token without the AgencyRef", token, 400),
        Refusal("another agency's AgencyRef", {**token, **other_agency}, 403),
    ]


def _write(client: httpx.Client) -> httpx.Response:
    order = {
        "propertyId": "10000010",
        "summary": "Broken window",
        "priority": "Urgent",
        "reportedDate": "2026-11-22T08:00:00Z",
    }
    return client.post("/work-orders", json=order)


ALTO = Simulated(
    name="Alto",
    start=lambda: running_alto(seed=7, units=60),
    refusals=_refusals,
    lists=(
        Listed(
            "/inventory/filter",
            Cursor("next-token", "max-results", 250, total_key=None),
            "inventoryId",
            "inventory",
            Edit("postcode", "SW1A 1AA", lambda item: item["address"]["postcode"]),
            new={"postcode": "EC1A 1BB"},
            **DATES,
        ),
        Listed(
            "/inventory",
            Cursor("nextToken", "maxResults", 100, total_key=None),
            "id",
            "inventory",
            Edit("street", "Kept Lane", lambda item: item["address"]["street"]),
            new={},
        ),
        Listed(
            "/tenancies",
            KEBAB_100,
            "id",
            "tenancies",
            Edit("rent", 999.0, lambda item: item["rent"]),
            new={"propertyId": 10000010},
            **DATES,
        ),
        Listed(
            "/landlords",
            KEBAB_100,
            "id",
            "landlords",
            SURNAME_IN_PEOPLE,
            params={"active-status": "All"},
            new={"surname": "Adeyemi"},
            **DATES,
        ),
        Listed("/suppliers", CAMEL_100, "id", "suppliers", SURNAME_IN_PEOPLE, new={}),
        Listed(
            "/contacts/all",
            KEBAB_250,
            "id",
            "tenants",
            Edit("surname", "Okonkwo", lambda item: item["contactInformation"][0]["surname"]),
            params={"persona": "Tenant"},
            new={"forename": "Ada"},
            **DATES,
        ),
    ),
    write=_write,
)
