"""The generated agency: sizes, links, and the records the hub's filters must skip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from repairlink.simulators.alto import RunningAlto, running_alto

from .conftest import UNITS, walk

AL_07_TRADES = {
    "plumbing", "window cleaning", "gardening", "gas", "electricity", "oil", "water",
    "bulk lpg", "carpentry", "pest control", "building maintenance", "contents insurance",
    "building insurance", "public liability insurance", "council", "sewerage",
    "board contractor", "external printer", "builder", "landlords insurance",
    "rent indemnity insurance", "utility", "electrician",
}  # fmt: skip


@pytest.fixture(scope="module")
def larger() -> Iterator[RunningAlto]:
    with running_alto(seed=2, units=2000) as sim:
        yield sim


def _all(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    if path in ("/suppliers", "/inventory"):
        return walk(client, path, params, token="nextToken", size="maxResults", page_size=100)
    return walk(client, path, params, page_size=100)


class TestSizes:
    def test_people_come_in_the_asked_ratios(self, alto: RunningAlto) -> None:
        contacts = alto.admin("GET", "summary")["contacts"]
        tenants = contacts["tenant"]["total"]
        landlords = contacts["landlord"]["total"] + contacts["potential_landlord"]["total"]
        assert 1.2 * UNITS <= tenants <= 1.8 * UNITS
        assert landlords == round(0.25 * UNITS)
        assert contacts["supplier"]["total"] == 10  # 0.02 a unit, but never fewer than ten

    def test_suppliers_scale_at_two_in_a_hundred_units(self, larger: RunningAlto) -> None:
        assert larger.admin("GET", "summary")["contacts"]["supplier"]["total"] == 40


class TestLinks:
    def test_every_tenancy_points_at_a_property_and_tenants_that_exist(
        self, api: httpx.Client
    ) -> None:
        properties = {int(p["inventoryId"]) for p in _all(api, "/inventory/filter")}
        contacts = {c["id"] for c in _all(api, "/contacts/all", persona="Tenant")}
        for tenancy in _all(api, "/tenancies", **{"include-tenants": "true"}):
            assert tenancy["propertyId"] in properties
            assert tenancy["tenants"]
            assert {t["id"] for t in tenancy["tenants"]} <= contacts

    def test_a_tenant_lives_at_the_property_they_rent(self, api: httpx.Client) -> None:
        tenancy = _all(api, "/tenancies", **{"include-tenants": "true"})[0]
        home = api.get(f"/inventory/{tenancy['propertyId']}").json()["address"]
        tenant = tenancy["tenants"][0]["address"]
        assert (tenant["street"], tenant["postcode"]) == (home["street"], home["postcode"])

    def test_a_property_names_its_landlord_who_lists_it(self, api: httpx.Client) -> None:
        detail = api.get("/inventory/10000010").json()
        owner = detail["owners"][0]["contactId"]
        landlord = next(
            item
            for item in _all(api, "/landlords", **{"active-status": "All"})
            if item["id"] == owner
        )
        assert 10000010 in {place["id"] for place in landlord["properties"]}

    def test_property_tenancies_are_reachable_from_the_property(self, api: httpx.Client) -> None:
        tenancy = _all(api, "/tenancies")[0]
        listed = api.get(f"/inventory/{tenancy['propertyId']}/tenancies").json()["items"]
        assert tenancy["id"] in {item["id"] for item in listed}


class TestFilterBreakers:
    """Each rule of AL-02..AL-08 has records that break it, even in a small data set."""

    def test_properties_break_each_al_02_condition(self, api: httpx.Client) -> None:
        items = _all(api, "/inventory/filter")
        assert any(p["recordType"] == "Sale" for p in items)
        assert any(p["managementType"] in ("NotManaged", "LetOnly") for p in items)
        assert any(p["maintenanceType"] == "MaintainedByLandlord" for p in items)
        assert any(p["categoryType"] == "Commercial" for p in items)
        assert any(p["status"] == "Appraisal" for p in items)
        assert any(p["archived"] for p in items)

    def test_inactive_tenancies_sit_beside_active_and_periodic(self, api: httpx.Client) -> None:
        statuses = {t["status"] for t in _all(api, "/tenancies")}
        assert statuses == {"Active", "Periodic", "Inactive"}

    def test_some_people_have_no_email_and_some_are_archived(self, api: httpx.Client) -> None:
        tenants = _all(api, "/contacts/all", persona="Tenant")
        assert any(not t["contactInformation"][0]["emailAddress"] for t in tenants)
        assert any(not t["isActive"] for t in tenants)

    def test_potential_landlords_are_listed_with_the_real_ones(self, api: httpx.Client) -> None:
        landlords = _all(api, "/landlords", **{"active-status": "All"})
        types = {item["userType"] for item in landlords}
        assert types == {"Client - Landlord", "Client - Potential landlord"}
        assert any(not item["people"][0]["emailAddresses"] for item in landlords)

    def test_suppliers_include_archived_and_unlisted_trades(self, api: httpx.Client) -> None:
        suppliers = _all(api, "/suppliers")
        assert any(not s["active"] for s in suppliers)
        assert any(
            not {t.lower() for t in s["providedServices"]} <= AL_07_TRADES for s in suppliers
        )
        assert any({t.lower() for t in s["providedServices"]} <= AL_07_TRADES for s in suppliers)
        assert all(s["oid"] and s["id"] for s in suppliers)

    def test_all_nineteen_inventory_statuses_occur(self, larger: RunningAlto) -> None:
        statuses = larger.admin("GET", "summary")["inventory"]["status"]
        assert len(statuses) == 19


class TestShapes:
    def test_ids_have_the_types_the_spec_gives_them(self, api: httpx.Client) -> None:
        assert isinstance(api.get("/inventory/filter").json()["items"][0]["inventoryId"], str)
        assert isinstance(api.get("/tenancies").json()["items"][0]["id"], int)
        assert isinstance(api.get("/landlords").json()["items"][0]["id"], int)
        assert isinstance(api.get("/suppliers").json()["items"][0]["id"], str)

    def test_a_property_carries_every_field_al_03_asks_for(self, api: httpx.Client) -> None:
        detail = api.get("/inventory/10000010").json()
        assert detail["id"]
        assert detail["oid"]
        assert set(detail["address"]) >= {
            "subDwelling", "nameNo", "street", "locality", "town", "county", "postcode",
        }  # fmt: skip
