"""Charges: invoices pushed back to Alto against a property or a tenancy (AL-13).

Posted as multipart/form-data (an urlencoded form is accepted too when there is no file, as
ASP.NET's form binding would). Alto publishes no way to read a charge back, so neither does
the simulator's API: the answer to the POST is all a client sees, and tests read the charges
through the admin API, with every field exactly as it was posted.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import clock, fields, vocab
from .dataset import AltoData
from .fields import FieldError
from .uploads import Document
from .work_orders import WorkOrders

CHARGE_ID_BASE = 70_000_000
# Alto's ChargeType enum, in its published order.
CHARGE_TYPES = (
    "Maintenance",
    "Deposit",
    "DepositToLandlord",
    "ReferencingFee",
    "AdministrationFee",
    "CheckInFee",
    "CheckOutFee",
    "TenancyAgreementFee",
    "CapitalExpenditure",
    "Cleaning",
    "Electrical",
    "Gardening",
    "Plumbing",
    "GasSafetyCheck",
    "EPC",
    "MaintenanceExpense",
    "InsuranceBuildings",
    "InsuranceContents",
    "InsuranceRentProtection",
    "UtilitiesWater",
    "UtilitiesCouncilTax",
    "UtilitiesElectricity",
    "UtilitiesGas",
    "Decorating",
    "BankCharges",
    "ServiceCharge",
    "GroundRent",
    "ElectricalSafetyCheck",
    "Appliances",
    "KeysLocksmith",
    "Inventory",
    "Furniture",
    "PortableApplianceTest",
    "LeadTest",
)
VAT_RATE_TYPES = ("Exempt", "Standard", "Reduced", "Zero", "StandardROI")
PAYMENT_METHODS = (
    "Unknown",
    "Bacs",
    "Cheque",
    "Cash",
    "StandingOrder",
    "DirectDebit",
    "Internet",
    "CreditCard",
    "DebitCard",
    "Transfer",
    "Journal",
    "ReceiptImport",
)
FILE_FIELD = "invoiceDocument"
COMMON_FIELDS = (
    "chargeType",
    "supplierId",
    "invoiceReference",
    "totalNet",
    "totalVat",
    "vatRateType",
    "workOrderId",
    FILE_FIELD,
    "description",
    "raiseImmediately",
    "chargeDate",
)
TENANCY_FIELDS = (
    "tenantId",
    "excludeFromArrears",
    "showInArrearsAfterDays",
    "sendDocs",
    "paymentMethod",
    "paymentReference",
    "raiseInAdvanceDays",
    "raiseEndDate",
)


@dataclass(frozen=True)
class Target:
    """What a charge is posted against: a property, or a tenancy (with its property)."""

    path: str
    property_id: int
    tenancy_id: int | None = None
    tenant_ids: tuple[int, ...] = ()


def check(
    data: AltoData, orders: WorkOrders, target: Target, form: dict[str, str]
) -> dict[str, Any]:
    """The checked values of a charge's text fields (the file is checked apart)."""
    supplier = fields.record_id(form.get("supplierId"), "supplierId")
    if supplier is not None:
        slot = data.contacts.slot_of(supplier)
        if slot is None or data.contacts.code("role", slot) != vocab.ROLE_SUPPLIER:
            raise FieldError("supplierId", f"{supplier} is not an existing supplier.")
    work_order = fields.record_id(form.get("workOrderId"), "workOrderId")
    if work_order is not None and orders.get(work_order) is None:
        raise FieldError("workOrderId", f"{work_order} is not an existing works order.")
    values: dict[str, Any] = {
        "chargeType": fields.one_of(
            form.get("chargeType"), "chargeType", CHARGE_TYPES, required=True
        ),
        "supplierId": supplier,
        "invoiceReference": fields.text(form.get("invoiceReference"), "invoiceReference"),
        "totalNet": fields.money(form.get("totalNet"), "totalNet"),
        "totalVat": fields.money(form.get("totalVat"), "totalVat"),
        "vatRateType": fields.one_of(form.get("vatRateType"), "vatRateType", VAT_RATE_TYPES),
        "workOrderId": work_order,
        "description": fields.text(form.get("description"), "description"),
        "raiseImmediately": fields.boolean(form.get("raiseImmediately"), "raiseImmediately"),
        "chargeDate": fields.moment(form.get("chargeDate"), "chargeDate"),
    }
    if target.tenancy_id is not None:
        values.update(_tenancy_values(target, form))
    return values


def _tenancy_values(target: Target, form: dict[str, str]) -> dict[str, Any]:
    tenant = fields.record_id(form.get("tenantId"), "tenantId")
    if tenant is not None and tenant not in target.tenant_ids:
        raise FieldError("tenantId", f"{tenant} is not a tenant of tenancy {target.tenancy_id}.")
    exclude = fields.boolean(form.get("excludeFromArrears"), "excludeFromArrears")
    show_after = fields.whole(form.get("showInArrearsAfterDays"), "showInArrearsAfterDays")
    if exclude and show_after:
        # Alto's own rule: a charge kept out of arrears cannot show in them later.
        raise FieldError("showInArrearsAfterDays", "cannot be set when excludeFromArrears.")
    return {
        "tenantId": tenant,
        "excludeFromArrears": exclude,
        "showInArrearsAfterDays": show_after,
        "sendDocs": fields.boolean(form.get("sendDocs"), "sendDocs"),
        "paymentMethod": fields.one_of(form.get("paymentMethod"), "paymentMethod", PAYMENT_METHODS),
        "paymentReference": fields.text(form.get("paymentReference"), "paymentReference"),
        "raiseInAdvanceDays": fields.whole(form.get("raiseInAdvanceDays"), "raiseInAdvanceDays"),
        "raiseEndDate": fields.moment(form.get("raiseEndDate"), "raiseEndDate"),
    }


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


def _pounds(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class Charge:
    id: int
    target: Target
    values: dict[str, Any]
    posted: dict[str, str]
    document: Document | None
    ignored_fields: list[str]
    received_ms: int

    def public(self) -> dict[str, Any]:
        """The PropertyCharge or TenancyCharge Alto answers a POST with."""
        values = self.values
        charge_date = values["chargeDate"]
        out: dict[str, Any] = {
            "id": str(self.id),
            "supplierId": _id(values["supplierId"]),
            "chargeType": values["chargeType"],
            "totalNet": _pounds(values["totalNet"]),
            "totalVat": _pounds(values["totalVat"]),
            "vatRateType": values["vatRateType"],
            "invoiceReference": values["invoiceReference"],
            "invoiceDocumentId": None if self.document is None else str(self.document.id),
            "workOrderId": _id(values["workOrderId"]),
            "description": values["description"],
            "chargeDate": clock.to_alto(charge_date or self.received_ms),
            "propertyId": str(self.target.property_id),
        }
        if self.target.tenancy_id is not None:
            out["tenantId"] = _id(values["tenantId"])
            out["tenancyId"] = str(self.target.tenancy_id)
            out["excludeFromArrears"] = bool(values["excludeFromArrears"])
            out["showInArrearsAfterDays"] = values["showInArrearsAfterDays"] or 0
        return out

    def admin(self) -> dict[str, Any]:
        document = self.document
        return {
            "id": self.id,
            "path": self.target.path,
            "propertyId": self.target.property_id,
            "tenancyId": self.target.tenancy_id,
            # Every text field exactly as posted (ignored ones too), and the file's fingerprint.
            "fields": dict(self.posted),
            "invoiceDocument": None
            if document is None
            else {
                "id": document.id,
                "name": document.name,
                "contentType": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
            },
            "ignoredFields": list(self.ignored_fields),
            "receivedDate": clock.to_alto(self.received_ms),
            "charge": self.public(),
        }


class Charges:
    def __init__(self) -> None:
        self.by_id: dict[int, Charge] = {}
        # Handlers run on the server's event loop; the lock is for readers in other threads.
        self._lock = threading.Lock()

    def add(
        self,
        target: Target,
        values: dict[str, Any],
        posted: dict[str, str],
        document: Document | None,
        now_ms: int,
    ) -> Charge:
        known = COMMON_FIELDS + (TENANCY_FIELDS if target.tenancy_id is not None else ())
        ignored = sorted(set(posted) - set(known))
        with self._lock:
            charge = Charge(
                CHARGE_ID_BASE + len(self.by_id),
                target,
                values,
                dict(posted),
                document,
                ignored,
                now_ms,
            )
            self.by_id[charge.id] = charge
            return charge

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [charge.admin() for charge in self.by_id.values()]
