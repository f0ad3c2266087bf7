"""Records a test adds to the platform simulator (as the agency's staff would, in the PMS),
and where the bridge put them in Repairlink."""

from __future__ import annotations

import itertools
from typing import Any

from repairlink.simulators.kit.server import Running
from repairlink.simulators.platform import INTEGRATION_USER_ID, PlatformState
from tests.integration.api.conftest import Client

_n = itertools.count(1)
Json = dict[str, Any]
WINDOW = {"from": "2026-11-30T00:00:00Z", "to": "2026-12-03T00:00:00Z"}  # a pushed page's


def property_item(pid: int, **fields: Any) -> Json:
    """A property as the PMS shows it, as a client pushes it."""
    return {
        "id": pid,
        "name": f"{pid} Bridge Street",
        "city": "Leeds",
        "postcode": "LS1 1AA",
        "hidden": False,
        "assignedUserId": INTEGRATION_USER_ID,
        **fields,
    }


def add_property(pms: Running[PlatformState], **fields: Any) -> Json:
    body = {"name": f"{next(_n)} Bridge Street", "hidden": False, **fields}
    body.setdefault("assignedUserId", INTEGRATION_USER_ID)
    added: Json = pms.admin("POST", "properties", body)
    return added


def add_resident(pms: Running[PlatformState], property_id: int, **fields: Any) -> Json:
    n = next(_n)
    body = {
        "propertyId": property_id,
        "firstName": "Ada",
        "lastName": f"Resident{n}",
        "email": f"ada{n}@example.com",
        "moveIn": "2024-01-01",
        "moveOut": None,
        **fields,
    }
    added: Json = pms.admin("POST", "residents", body)
    return added


def add_order(pms: Running[PlatformState], property_id: int, **fields: Any) -> Json:
    body = {"propertyId": property_id, "summary": "Leaking tap", "status": "Open", **fields}
    body.setdefault("assigneeId", INTEGRATION_USER_ID)
    added: Json = pms.admin("POST", "work-orders", body)
    return added


def unit_named(staff: Client, name: str) -> Json:
    (unit,) = [
        u
        for u in staff.ok("GET", "/units", params={"status": "all", "q": name})["items"]
        if u["line1"] == name
    ]
    return unit


def issues(staff: Client) -> list[Json]:
    found: list[Json] = staff.ok("GET", "/issues", params={"limit": 100})["items"]
    return found
