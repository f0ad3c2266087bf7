"""The admin back door: upstream edits, archive, delete, add, churn and counters."""

from __future__ import annotations

import httpx
import pytest

from repairlink.simulators.alto import RunningAlto, running_alto
from repairlink.simulators.alto.app import ALTO

from .conftest import walk


def _supplier(client: httpx.Client, supplier_id: str) -> httpx.Response:
    return client.get(f"/suppliers/{supplier_id}")


class TestEdit:
    def test_an_edit_changes_the_field_and_moves_modified_forward(
        self, own_alto: RunningAlto
    ) -> None:
        with own_alto.client() as client:
            tenant = client.get("/contacts/all", params={"persona": "Tenant"}).json()["items"][0]
            edited = own_alto.admin("PATCH", f"tenants/{tenant['id']}", {"surname": "Okonkwo"})
            again = client.get(f"/contacts/{tenant['id']}").json()
        assert again["contactInformation"][0]["surname"] == "Okonkwo"
        assert again["modifiedAt"] == edited["modifiedDate"]
        assert again["modifiedAt"] > tenant["modifiedAt"]

    def test_an_enum_field_only_takes_alto_values(self, own_alto: RunningAlto) -> None:
        record = f"{own_alto.base_url}/_admin/inventory/10000010"
        assert httpx.patch(record, json={"recordType": "Sale"}).status_code == 200
        assert httpx.patch(record, json={"recordType": "ForSale"}).status_code == 400

    def test_a_field_of_the_wrong_type_or_unknown_is_400(self, own_alto: RunningAlto) -> None:
        record = f"{own_alto.base_url}/_admin/inventory/10000010"
        assert httpx.patch(record, json={"bedrooms": "three"}).status_code == 400
        assert httpx.patch(record, json={"colour": "blue"}).status_code == 400

    def test_removing_an_email_leaves_the_person_without_one(self, own_alto: RunningAlto) -> None:
        with own_alto.client() as client:
            first = client.get("/landlords").json()["items"][2]
            own_alto.admin("PATCH", f"landlords/{first['id']}", {"email": None})
            row = next(
                item
                for item in walk(client, "/landlords", {"active-status": "All"})
                if item["id"] == first["id"]
            )
        assert row["people"][0]["emailAddresses"] == []

    def test_an_unknown_record_or_kind_is_404(self, own_alto: RunningAlto) -> None:
        assert httpx.get(f"{own_alto.base_url}/_admin/inventory/1").status_code == 404
        assert httpx.get(f"{own_alto.base_url}/_admin/offers/10000001").status_code == 404


class TestArchiveAndDelete:
    def test_an_archived_supplier_shows_inactive(self, own_alto: RunningAlto) -> None:
        with own_alto.client() as client:
            active = next(
                s
                for s in walk(client, "/suppliers", token="nextToken", size="maxResults")
                if s["active"]
            )
            own_alto.admin("POST", f"suppliers/{active['id']}/archive")
            assert _supplier(client, active["id"]).json()["active"] is False

    def test_an_archived_landlord_leaves_the_default_landlord_list(
        self, own_alto: RunningAlto
    ) -> None:
        with own_alto.client() as client:
            landlord = client.get("/landlords").json()["items"][0]
            own_alto.admin("POST", f"landlords/{landlord['id']}/archive")
            active_ids = {item["id"] for item in walk(client, "/landlords")}
            archived = walk(client, "/landlords", {"active-status": "Archived"})
        assert landlord["id"] not in active_ids
        assert landlord["id"] in {item["id"] for item in archived}

    def test_an_archived_tenancy_becomes_inactive(self, own_alto: RunningAlto) -> None:
        with own_alto.client() as client:
            live = next(t for t in walk(client, "/tenancies") if t["status"] != "Inactive")
            own_alto.admin("POST", f"tenancies/{live['id']}/archive")
            assert client.get(f"/tenancies/{live['id']}").json()["status"] == "Inactive"

    def test_a_deleted_record_is_gone_from_lists_and_lookups(self, own_alto: RunningAlto) -> None:
        with own_alto.client() as client:
            victim = client.get("/inventory/filter").json()["items"][0]["inventoryId"]
            response = httpx.delete(f"{own_alto.base_url}/_admin/inventory/{victim}")
            ids = {item["inventoryId"] for item in walk(client, "/inventory/filter")}
            lookup = client.get(f"/inventory/{victim}")
        assert response.status_code == 204
        assert victim not in ids
        assert lookup.status_code == 404


class TestAdd:
    def test_a_new_property_appears_with_the_given_fields(self, own_alto: RunningAlto) -> None:
        added = own_alto.admin(
            "POST", "inventory", {"postcode": "EC1A 1BB", "category": "Commercial"}
        )
        with own_alto.client() as client:
            found = client.get(f"/inventory/{added['id']}").json()
            newest = walk(client, "/inventory/filter")[-1]
        assert found["address"]["postcode"] == "EC1A 1BB"
        assert found["category"] == "Commercial"
        assert newest["inventoryId"] == str(added["id"])

    def test_a_new_tenancy_links_new_tenants_to_a_property(self, own_alto: RunningAlto) -> None:
        place = own_alto.admin("POST", "inventory", {})
        people = [own_alto.admin("POST", "tenants", {"forename": name}) for name in ("Ada", "Bo")]
        tenancy = own_alto.admin(
            "POST",
            "tenancies",
            {
                "propertyId": place["id"],
                "tenantIds": [p["id"] for p in people],
                "status": "Periodic",
            },
        )
        with own_alto.client() as client:
            body = client.get(f"/tenancies/{tenancy['id']}").json()
            ids = client.get(f"/tenancies/{tenancy['id']}/tenantIds").json()
        assert body["propertyId"] == place["id"]
        assert body["status"] == "Periodic"
        assert [t["forename"] for t in body["tenants"]] == ["Ada", "Bo"]
        assert ids["totalCount"] == 2

    def test_a_tenancy_needs_an_existing_property(self, own_alto: RunningAlto) -> None:
        response = httpx.post(f"{own_alto.base_url}/_admin/tenancies", json={"propertyId": 1})
        assert response.status_code == 400


class TestChurn:
    def test_churn_changes_about_one_percent_of_each_kind(self, own_alto: RunningAlto) -> None:
        summary = own_alto.admin("GET", "summary")
        result = own_alto.admin("POST", "churn", {"fraction": 0.05})
        assert result["counts"]["inventory"] == round(summary["inventory"]["total"] * 0.05)
        with own_alto.client() as client:
            changed = walk(client, "/inventory/filter", {"modified-from": "2025-06-01T00:00:00Z"})
        assert {int(item["inventoryId"]) for item in changed} == set(result["changed"]["inventory"])

    def test_a_prerendered_simulator_renders_the_churned_records_before_answering(
        self,
    ) -> None:
        """--prerender's promise (the benches' simulator costs next to no CPU while the hub
        syncs) holds for the incremental after a churn too: what a full sync reads is rendered
        again, with the changes, before the churn answers."""
        with running_alto(seed=11, units=80) as sim:
            rendered = ALTO.keep_rendered(sim.state)
            result = sim.admin("POST", "churn", {"fraction": 0.1})
            assert len(sim.state.rendered) == rendered
            with sim.client() as client:
                changed = walk(
                    client, "/inventory/filter", {"modified-from": "2025-06-01T00:00:00Z"}
                )
        assert {int(item["inventoryId"]) for item in changed} == set(result["changed"]["inventory"])

    def test_churn_is_the_same_for_the_same_seed(self) -> None:
        picks = []
        for _ in range(2):
            with running_alto(seed=11, units=80) as sim:
                picks.append(sim.admin("POST", "churn", {"fraction": 0.1})["changed"])
        assert picks[0] == picks[1]
        assert picks[0]["contacts"]


class TestCounters:
    def test_requests_are_counted_by_endpoint_and_status(self) -> None:
        with running_alto(units=20) as sim, sim.client() as client:
            client.get("/tenancies")
            client.get("/tenancies")
            client.get("/suppliers/1")
            stats = sim.admin("GET", "stats")
            reset = sim.admin("POST", "stats/reset")
        assert stats["by_endpoint"]["GET /tenancies"] == 2
        assert stats["by_endpoint"]["GET /suppliers/{supplier_id}"] == 1
        assert stats["by_endpoint"]["POST /token"] == 1
        assert stats["by_status"]["404"] == 1
        assert reset["total"] == 0

    @pytest.mark.parametrize("path", ["health", "summary", "faults", "stats"])
    def test_admin_reads_answer(self, alto: RunningAlto, path: str) -> None:
        assert isinstance(alto.admin("GET", path), dict)
