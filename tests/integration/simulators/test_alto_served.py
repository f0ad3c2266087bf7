"""The simulator keeps each list item's rendered JSON: what it serves must be exactly what it
would render afresh, and any upstream change must show at once, in every list that carries
the changed record (a property's address reaches its tenants and its landlord)."""

from __future__ import annotations

from typing import Any

from repairlink.simulators.alto import RunningAlto, running_alto
from repairlink.simulators.alto.served import prerender
from tests.integration.simulators.conftest import SEED, walk

LISTS: tuple[tuple[str, dict[str, Any], str, str], ...] = (
    ("/inventory/filter", {}, "next-token", "max-results"),
    ("/landlords", {"active-status": "All"}, "next-token", "max-results"),
    ("/suppliers", {}, "nextToken", "maxResults"),
    ("/tenancies", {"include-tenants": "true"}, "next-token", "max-results"),
    ("/tenancies", {}, "next-token", "max-results"),
    ("/contacts/all", {"persona": "Tenant"}, "next-token", "max-results"),
)


def _read_all(sim: RunningAlto) -> list[list[dict[str, Any]]]:
    with sim.client() as client:
        return [
            walk(client, path, params, token=token, size=size)
            for path, params, token, size in LISTS
        ]


def test_kept_items_read_the_same_as_fresh_ones_and_as_prerendered_ones() -> None:
    with running_alto(seed=SEED, units=40) as fresh:
        first = _read_all(fresh)  # rendered on demand
        again = _read_all(fresh)  # served from what was kept
    with running_alto(seed=SEED, units=40) as ahead:
        assert prerender(ahead.state.data) > 0
        prerendered = _read_all(ahead)
    assert first == again == prerendered


def test_an_address_change_reaches_every_list_that_shows_the_property(
    own_alto: RunningAlto,
) -> None:
    with own_alto.client() as client:
        tenancies = walk(client, "/tenancies", {"include-tenants": "true"})
        rented = next(t for t in tenancies if t["tenants"])
        walk(client, "/landlords", {"active-status": "All"})  # kept now
        own_alto.admin("PATCH", f"inventory/{rented['propertyId']}", {"street": "Kept Lane"})

        tenancies = walk(client, "/tenancies", {"include-tenants": "true"})
        landlords = walk(client, "/landlords", {"active-status": "All"})
        units = walk(client, "/inventory/filter")
    tenancy = next(t for t in tenancies if t["id"] == rented["id"])
    assert {tenant["address"]["street"] for tenant in tenancy["tenants"]} == {"Kept Lane"}
    places = [p for landlord in landlords for p in landlord["properties"]]
    assert [p["street"] for p in places if p["id"] == rented["propertyId"]] == ["Kept Lane"]
    unit = next(u for u in units if u["inventoryId"] == str(rented["propertyId"]))
    assert unit["address"]["street"] == "Kept Lane"


def test_a_malformed_record_is_broken_afresh_and_a_healed_one_served_whole(
    own_alto: RunningAlto,
) -> None:
    with own_alto.client() as client:
        whole = walk(client, "/suppliers", token="nextToken", size="maxResults")
        own_alto.admin("PUT", "faults", {"rate_malformed": 1.0})
        broken = walk(client, "/suppliers", token="nextToken", size="maxResults")
        own_alto.admin("PUT", "faults", {"rate_malformed": 0.0})
        healed = walk(client, "/suppliers", token="nextToken", size="maxResults")
    assert broken != whole
    assert healed == whole
