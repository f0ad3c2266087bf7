"""Charges over real HTTP: posted as multipart against a property or a tenancy, never listed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from repairlink.simulators.alto import RunningAlto

PROPERTY = "10000010"
INVOICE = b"%PDF-1.7 invoice 1234"


@pytest.fixture
def api(own_alto: RunningAlto) -> Iterator[httpx.Client]:
    with own_alto.client() as client:
        yield client


def _work_order(api: httpx.Client, property_id: str = PROPERTY) -> str:
    body = {
        "propertyId": property_id,
        "summary": "Boiler service",
        "priority": "Normal",
        "reportedDate": "2026-11-01T10:00:00Z",
    }
    return str(api.post("/work-orders", json=body).json()["id"])


def _tenancy(api: httpx.Client) -> tuple[int, int, list[int]]:
    """A tenancy, its property and its tenants."""
    tenancy = api.get("/tenancies").json()["items"][0]
    tenants = api.get(f"/tenancies/{tenancy['id']}/tenantIds").json()["items"]
    return tenancy["id"], tenancy["propertyId"], [item["tenantId"] for item in tenants]


def _invoice() -> dict[str, Any]:
    return {"invoiceDocument": ("INV-1234.pdf", INVOICE, "application/pdf")}


class TestPropertyCharges:
    def test_a_charge_is_created_and_kept_as_posted(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        work_order = _work_order(api)
        supplier = str(api.get("/suppliers").json()["items"][3]["id"])
        form = {
            "chargeType": "Maintenance",
            "supplierId": supplier,
            "invoiceReference": "INV-1234",
            "totalNet": "100.00",
            "totalVat": "20.00",
            "vatRateType": "Standard",
            "workOrderId": work_order,
            "description": "Boiler service",
            "raiseImmediately": "false",
            "chargeDate": "2026-11-21T00:00:00Z",
        }
        response = api.post(f"/inventory/{PROPERTY}/charges", data=form, files=_invoice())
        assert response.status_code == 201
        charge = response.json()
        assert charge["id"] == "70000000"
        assert charge["workOrderId"] == work_order
        assert (charge["totalNet"], charge["totalVat"]) == (100.0, 20.0)
        assert charge["propertyId"] == PROPERTY
        assert charge["invoiceDocumentId"] is not None
        kept = own_alto.admin("GET", "charges")["items"]
        assert len(kept) == 1
        assert kept[0]["path"] == f"/inventory/{PROPERTY}/charges"
        assert kept[0]["fields"] == form
        assert kept[0]["invoiceDocument"] == {
            "id": int(charge["invoiceDocumentId"]),
            "name": "INV-1234.pdf",
            "contentType": "application/pdf",
            "size": len(INVOICE),
            "sha256": hashlib.sha256(INVOICE).hexdigest(),
        }
        assert kept[0]["charge"] == charge

    def test_only_the_charge_type_is_required(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        response = api.post(f"/inventory/{PROPERTY}/charges", files={"chargeType": (None, "EPC")})
        assert response.status_code == 201
        assert own_alto.admin("GET", "charges")["items"][0]["invoiceDocument"] is None

    def test_an_unknown_property_is_404(self, api: httpx.Client) -> None:
        response = api.post("/inventory/99999999/charges", data={"chargeType": "Maintenance"})
        assert response.status_code == 404

    def test_charges_cannot_be_read_back(self, api: httpx.Client) -> None:
        api.post(f"/inventory/{PROPERTY}/charges", data={"chargeType": "Maintenance"})
        assert api.get(f"/inventory/{PROPERTY}/charges").status_code in (404, 405)
        assert api.get("/charges").status_code == 404

    def test_fields_alto_does_not_take_are_ignored_and_shown(
        self, api: httpx.Client, own_alto: RunningAlto
    ) -> None:
        form = {"chargeType": "Maintenance", "tenantId": "30000001", "colour": "red"}
        assert api.post(f"/inventory/{PROPERTY}/charges", data=form).status_code == 201
        assert own_alto.admin("GET", "charges")["items"][0]["ignoredFields"] == [
            "colour",
            "tenantId",
        ]


class TestTenancyCharges:
    def test_a_charge_to_a_tenant_of_the_tenancy(self, api: httpx.Client) -> None:
        tenancy, property_id, tenants = _tenancy(api)
        form = {
            "chargeType": "Plumbing",
            "tenantId": str(tenants[0]),
            "totalNet": "50.5",
            "excludeFromArrears": "true",
            "paymentReference": "REF-9",
            "paymentMethod": "Bacs",
        }
        response = api.post(f"/tenancies/{tenancy}/charges", data=form, files=_invoice())
        assert response.status_code == 201
        charge = response.json()
        assert charge["tenancyId"] == str(tenancy)
        assert charge["propertyId"] == str(property_id)
        assert charge["tenantId"] == str(tenants[0])
        assert charge["excludeFromArrears"] is True

    def test_someone_who_is_not_a_tenant_of_the_tenancy_is_400(self, api: httpx.Client) -> None:
        tenancy, _, tenants = _tenancy(api)
        form = {"chargeType": "Plumbing", "tenantId": str(max(tenants) + 1000)}
        response = api.post(f"/tenancies/{tenancy}/charges", data=form)
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "tenantId"

    def test_excluded_from_arrears_cannot_show_in_them_later(self, api: httpx.Client) -> None:
        tenancy, _, _ = _tenancy(api)
        form = {
            "chargeType": "Plumbing",
            "excludeFromArrears": "true",
            "showInArrearsAfterDays": "5",
        }
        response = api.post(f"/tenancies/{tenancy}/charges", data=form)
        assert response.json()["errors"][0]["field"] == "showInArrearsAfterDays"

    def test_an_unknown_tenancy_is_404(self, api: httpx.Client) -> None:
        response = api.post("/tenancies/29999999/charges", data={"chargeType": "Maintenance"})
        assert response.status_code == 404


class TestValidation:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"chargeType": None}, "chargeType"),
            ({"chargeType": "Repairs"}, "chargeType"),
            ({"totalNet": "12.345"}, "totalNet"),
            ({"totalNet": "-1.00"}, "totalNet"),
            ({"totalVat": "twenty"}, "totalVat"),
            ({"vatRateType": "Half"}, "vatRateType"),
            ({"workOrderId": "60000099"}, "workOrderId"),
            ({"supplierId": PROPERTY}, "supplierId"),
            ({"raiseImmediately": "yes"}, "raiseImmediately"),
            ({"chargeDate": "tomorrow"}, "chargeDate"),
        ],
    )
    def test_invalid_fields_are_400_naming_the_field(
        self, api: httpx.Client, own_alto: RunningAlto, change: dict[str, Any], field: str
    ) -> None:
        form = {"chargeType": "Maintenance", **change}
        form = {name: value for name, value in form.items() if value is not None}
        response = api.post(f"/inventory/{PROPERTY}/charges", data=form, files=_invoice())
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field
        assert own_alto.admin("GET", "charges")["items"] == []

    def test_the_invoice_must_be_a_file_part(self, api: httpx.Client) -> None:
        # A text part under the file's name, in an otherwise valid multipart body.
        parts = {"chargeType": (None, "Maintenance"), "invoiceDocument": (None, "INV-1234.pdf")}
        response = api.post(f"/inventory/{PROPERTY}/charges", files=parts)
        assert response.json()["errors"][0]["field"] == "invoiceDocument"

    def test_json_is_415(self, api: httpx.Client) -> None:
        response = api.post(f"/inventory/{PROPERTY}/charges", json={"chargeType": "Maintenance"})
        assert response.status_code == 415
