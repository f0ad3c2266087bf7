"""Works orders over real HTTP: create, read, JSON Patch, list per property, documents."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from repairlink.simulators.alto import RunningAlto, running_alto

from .conftest import SEED

PROPERTY = "10000010"
OTHER_PROPERTY = "10000011"
PATCH_JSON = {"Content-Type": "application/json-patch+json"}
WORK_ORDER_KEYS = {
    "id",
    "propertyId",
    "supplierContactId",
    "accessDetails",
    "reporterDetails",
    "chargeDetails",
    "reportedDate",
    "startDate",
    "quote",
    "workOrderNumber",
    "status",
    "summary",
    "description",
    "notes",
    "priority",
    "modifiedDate",
}


@pytest.fixture
def api(own_alto: RunningAlto) -> Iterator[httpx.Client]:
    with own_alto.client() as client:
        yield client


@pytest.fixture(scope="module")
def shared_api() -> Iterator[httpx.Client]:
    """For tests whose requests are refused or whose orders no other test counts."""
    with running_alto(seed=SEED, units=60) as sim, sim.client() as client:
        yield client


def _order(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "propertyId": PROPERTY,
        "summary": "Kitchen tap leaking",
        "priority": "High",
        "reportedDate": "2026-11-20T09:30:00Z",
    }
    body.update(overrides)
    return body


def _create(api: httpx.Client, **overrides: Any) -> dict[str, Any]:
    response = api.post("/work-orders", json=_order(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


def _supplier_id(api: httpx.Client) -> str:
    return str(api.get("/suppliers").json()["items"][3]["id"])


def _tenant_id(api: httpx.Client) -> str:
    return str(api.get("/contacts/all", params={"persona": "Tenant"}).json()["items"][0]["id"])


class TestCreate:
    def test_a_works_order_is_created_with_its_number_and_location(self, api: httpx.Client) -> None:
        supplier = _supplier_id(api)
        response = api.post("/work-orders", json=_order(supplierContactId=supplier, quote=120.5))
        assert response.status_code == 201
        order = response.json()
        assert set(order) == WORK_ORDER_KEYS
        assert order["id"] == "60000000"
        assert order["workOrderNumber"] == "WO-000001"
        assert order["propertyId"] == PROPERTY
        assert order["supplierContactId"] == supplier
        assert order["status"] == "Supplier instructed"
        assert order["quote"] == 120.5
        assert order["reportedDate"] == "2026-11-20T09:30:00.0000000+00:00"
        assert response.headers["Location"].endswith("/work-orders/60000000")
        assert api.get(response.headers["Location"]).json() == order

    def test_ids_and_numbers_count_up(self, api: httpx.Client) -> None:
        first, second = _create(api), _create(api, propertyId=int(OTHER_PROPERTY))
        assert (first["id"], second["id"]) == ("60000000", "60000001")
        assert second["workOrderNumber"] == "WO-000002"
        assert second["propertyId"] == OTHER_PROPERTY

    def test_instructed_to_a_landlord_has_no_supplier(self, api: httpx.Client) -> None:
        assert _create(api, supplierContactId=None)["supplierContactId"] is None

    def test_optional_fields_come_back_as_sent(self, api: httpx.Client) -> None:
        reporter = {"type": "Tenant", "id": _tenant_id(api)}
        charge_to = [{"type": "Landlord", "id": "30000090"}]
        order = _create(
            api,
            startDate="2026-11-25",
            description="Drips all night",
            notes="Key with neighbour",
            status="Works order raised",
            reporterDetails=reporter,
            accessDetails="Call the tenant first",
            chargeDetails=charge_to,
            tenantId=reporter["id"],
        )
        assert order["startDate"] == "2026-11-25T00:00:00.0000000+00:00"
        assert (order["description"], order["notes"]) == ("Drips all night", "Key with neighbour")
        assert order["status"] == "Works order raised"
        assert order["reporterDetails"] == reporter
        assert order["accessDetails"] == "Call the tenant first"
        assert order["chargeDetails"] == charge_to

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"propertyId": None}, "propertyId"),
            ({"propertyId": "99999999"}, "propertyId"),
            ({"propertyId": "ten"}, "propertyId"),
            ({"summary": None}, "summary"),
            ({"summary": ""}, "summary"),
            ({"summary": "x" * 151}, "summary"),
            ({"priority": None}, "priority"),
            ({"reportedDate": None}, "reportedDate"),
            ({"reportedDate": "last Tuesday"}, "reportedDate"),
            ({"startDate": "soon"}, "startDate"),
            ({"quote": "120"}, "quote"),
            ({"quote": True}, "quote"),
            ({"supplierContactId": "10000010"}, "supplierContactId"),
            ({"tenantId": "99999999"}, "tenantId"),
            ({"chargeDetails": [42]}, "chargeDetails"),
            ({"notes": 7}, "notes"),
        ],
    )
    def test_invalid_input_is_400_naming_the_field(
        self, shared_api: httpx.Client, change: dict[str, Any], field: str
    ) -> None:
        response = shared_api.post("/work-orders", json=_order(**change))
        assert response.status_code == 400
        body = response.json()
        assert body["errors"][0]["field"] == field
        assert body["detail"].startswith(field)

    def test_a_summary_of_150_characters_is_accepted(self, api: httpx.Client) -> None:
        assert _create(api, summary="x" * 150)["summary"] == "x" * 150

    def test_a_supplier_given_as_a_tenant_is_refused(self, api: httpx.Client) -> None:
        response = api.post("/work-orders", json=_order(supplierContactId=_tenant_id(api)))
        assert response.status_code == 400

    def test_a_body_that_is_not_a_json_object_is_400_and_not_json_is_415(
        self, api: httpx.Client
    ) -> None:
        assert api.post("/work-orders", json=[1, 2]).status_code == 400
        assert (
            api.post(
                "/work-orders", content=b"{", headers={"Content-Type": "application/json"}
            ).status_code
            == 400
        )
        assert (
            api.post(
                "/work-orders", content=b"summary=x", headers={"Content-Type": "text/plain"}
            ).status_code
            == 415
        )

    def test_nothing_is_kept_from_a_refused_request(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        api.post("/work-orders", json=_order(summary=""))
        assert own_alto.admin("GET", "work-orders")["items"] == []
        assert _create(api)["workOrderNumber"] == "WO-000001"


class TestReadAndPatch:
    def test_an_unknown_works_order_is_404(self, api: httpx.Client) -> None:
        assert api.get("/work-orders/60000099").status_code == 404
        patch = [{"op": "replace", "path": "/status", "value": "Complete"}]
        assert api.patch("/work-orders/60000099", json=patch).status_code == 404

    def test_replace_and_add_change_the_fields_and_answer_the_order(
        self, api: httpx.Client
    ) -> None:
        order = _create(api)
        patch = [
            {"op": "replace", "path": "/status", "value": "Complete Awaiting Invoice"},
            {"op": "add", "path": "/notes", "value": "Washer replaced"},
            {"op": "replace", "path": "/quote", "value": 95},
            {"op": "replace", "path": "/startDate", "value": "2026-11-21T08:00:00+00:00"},
            {"op": "add", "path": "/description", "value": "Done"},
        ]
        response = api.patch(f"/work-orders/{order['id']}", json=patch, headers=PATCH_JSON)
        assert response.status_code == 200
        patched = response.json()
        assert patched["status"] == "Complete Awaiting Invoice"
        assert (patched["notes"], patched["quote"], patched["description"]) == (
            "Washer replaced",
            95.0,
            "Done",
        )
        assert patched["startDate"] == "2026-11-21T08:00:00.0000000+00:00"
        assert patched["modifiedDate"] >= order["modifiedDate"]
        assert api.get(f"/work-orders/{order['id']}").json() == patched

    def test_plain_application_json_is_accepted_too(self, api: httpx.Client) -> None:
        order = _create(api)
        patch = [{"op": "replace", "path": "/status", "value": "Complete Invoicing Received"}]
        response = api.patch(f"/work-orders/{order['id']}", json=patch)
        assert response.json()["status"] == "Complete Invoicing Received"

    @pytest.mark.parametrize(
        ("patch", "field"),
        [
            ([{"op": "remove", "path": "/notes"}], "op"),
            ([{"op": "replace", "path": "/id", "value": "1"}], "id"),
            ([{"op": "replace", "path": "/propertyId", "value": "10000011"}], "propertyId"),
            ([{"op": "replace", "path": "/workOrderNumber", "value": "WO-9"}], "workOrderNumber"),
            ([{"op": "replace", "path": "/reporterDetails/id", "value": "1"}], "path"),
            ([{"op": "replace", "path": "/quote", "value": "lots"}], "quote"),
            ([{"op": "replace", "path": "/status", "value": None}], "status"),
            ([{"op": "replace", "path": "/status"}], "status"),
            ([{"op": "replace", "path": "/summary", "value": "y" * 151}], "summary"),
            ({"op": "replace", "path": "/status", "value": "x"}, "body"),
            ([], "body"),
        ],
    )
    def test_a_bad_patch_is_400_naming_the_field(
        self, shared_api: httpx.Client, patch: Any, field: str
    ) -> None:
        order = _create(shared_api)
        response = shared_api.patch(f"/work-orders/{order['id']}", json=patch, headers=PATCH_JSON)
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field

    def test_a_patch_applies_whole_or_not_at_all(self, api: httpx.Client) -> None:
        order = _create(api)
        patch = [
            {"op": "replace", "path": "/status", "value": "Complete"},
            {"op": "replace", "path": "/quote", "value": "lots"},
        ]
        assert api.patch(f"/work-orders/{order['id']}", json=patch).status_code == 400
        assert api.get(f"/work-orders/{order['id']}").json() == order

    def test_a_patch_must_be_json(self, api: httpx.Client) -> None:
        order = _create(api)
        response = api.patch(
            f"/work-orders/{order['id']}",
            content=b"status=x",
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 415


class TestPerProperty:
    def test_a_property_lists_its_own_works_orders(self, api: httpx.Client) -> None:
        first, _, third = _create(api), _create(api, propertyId=OTHER_PROPERTY), _create(api)
        body = api.get(f"/inventory/{PROPERTY}/work-orders").json()
        assert [item["id"] for item in body["items"]] == [first["id"], third["id"]]
        assert body["meta"] == {"nextToken": None, "totalItems": 2}

    def test_a_property_without_works_orders_has_an_empty_list(self, api: httpx.Client) -> None:
        assert api.get(f"/inventory/{PROPERTY}/work-orders").json()["items"] == []

    def test_an_unknown_property_is_404(self, api: httpx.Client) -> None:
        assert api.get("/inventory/99999999/work-orders").status_code == 404


class TestDocuments:
    def test_a_document_is_stored_with_its_fingerprint_and_listed(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        order = _create(api)
        content = b"%PDF-1.7 completion certificate"
        response = api.post(
            f"/work-orders/{order['id']}/documents",
            files={"file": ("cert.pdf", content, "application/pdf")},
            data={"description": "Gas safety certificate"},
        )
        assert response.status_code == 201
        document = response.json()
        assert document["id"] == "80000000"
        assert document["name"] == "cert.pdf"
        assert document["contentType"] == "application/pdf"
        assert document["size"] == len(content)
        assert document["sha256"] == hashlib.sha256(content).hexdigest()
        listed = api.get(f"/work-orders/{order['id']}/documents").json()
        assert listed["items"] == [document]
        kept = own_alto.admin("GET", "work-orders")["items"][0]
        assert kept["documents"] == [document]

    def test_a_name_field_names_the_document(self, api: httpx.Client) -> None:
        order = _create(api)
        response = api.post(
            f"/work-orders/{order['id']}/documents",
            files={"file": ("upload.bin", b"report", "application/pdf")},
            data={"name": "Issue report.pdf"},
        )
        assert response.json()["name"] == "Issue report.pdf"

    def test_no_file_an_empty_file_or_a_text_file_field_is_400(self, api: httpx.Client) -> None:
        order = _create(api)
        path = f"/work-orders/{order['id']}/documents"
        empty = {"file": ("a.pdf", b"", "application/pdf")}
        for response in (
            api.post(path, files={"other": ("a.pdf", b"x", "application/pdf")}),
            api.post(path, files=empty),
            api.post(path, data={"file": "not a file"}, files={"x": ("b", b"y")}),
        ):
            assert response.status_code == 400
            assert response.json()["errors"][0]["field"] == "file"
        assert api.get(f"{path}").json()["items"] == []

    def test_json_is_not_a_document_upload(self, api: httpx.Client) -> None:
        order = _create(api)
        response = api.post(f"/work-orders/{order['id']}/documents", json={"file": "x"})
        assert response.status_code == 415

    def test_an_unknown_works_order_is_404(self, api: httpx.Client) -> None:
        files = {"file": ("a.pdf", b"x", "application/pdf")}
        assert api.post("/work-orders/60000099/documents", files=files).status_code == 404
        assert api.get("/work-orders/60000099/documents").status_code == 404
