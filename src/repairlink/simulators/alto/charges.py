"""Charges: invoices pushed back to Alto against a property or a tenancy (AL-13).

Posted as multipart/form-data (an urlencoded form is accepted too when there is no file, as
ASP.NET's form binding would). Alto publishes no way to read a charge back, so neither does
the simulator's API: the answer to the POST is all a client sees, and tests read the charges
through the admin API, with every field exactly as it was posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..kit import fields
from ..kit.clock import to_dotnet
from ..kit.errors import FieldError
from ..kit.ledger import Ledger
from ..kit.uploads import Document
from . import vocab
from .dataset import AltoData
from .work_orders import WorkOrders, contact_id

FILE_FIELD = "invoiceDocument"


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

    def work_order(value: Any, name: str) -> int | None:
        found = fields.record_id(value, name)
        if found is not None and orders.get(found) is None:
            raise FieldError(name, f"{found} is not an existing works order.")
        return found

    rules: dict[str, fields.Rule] = {
        "supplierId": lambda value, name: contact_id(
            data, value, name, vocab.ROLE_SUPPLIER, "supplier"
        ),
        "workOrderId": work_order,
        "chargeType": lambda value, name: fields.one_of(
            value, name, vocab.CHARGE_TYPES, required=True
        ),
        "invoiceReference": fields.text,
        "totalNet": fields.money,
        "totalVat": fields.money,
        "vatRateType": lambda value, name: fields.one_of(value, name, vocab.VAT_RATE_TYPES),
        "description": fields.text,
        "raiseImmediately": fields.boolean,
        "chargeDate": fields.moment,
    }
    if target.tenancy_id is not None:
        rules.update(_tenancy_rules(target))
    values = fields.check_all(form, rules)
    if values.get("excludeFromArrears") and values.get("showInArrearsAfterDays"):
        # Alto's own rule: a charge kept out of arrears cannot show in them later.
        raise FieldError("showInArrearsAfterDays", "cannot be set when excludeFromArrears.")
    return values


def _tenancy_rules(target: Target) -> dict[str, fields.Rule]:
    def tenant(value: Any, name: str) -> int | None:
        found = fields.record_id(value, name)
        if found is not None and found not in target.tenant_ids:
            raise FieldError(name, f"{found} is not a tenant of tenancy {target.tenancy_id}.")
        return found

    return {
        "tenantId": tenant,
        "excludeFromArrears": fields.boolean,
        "showInArrearsAfterDays": fields.whole,
        "sendDocs": fields.boolean,
        "paymentMethod": lambda value, name: fields.one_of(value, name, vocab.PAYMENT_METHODS),
        "paymentReference": fields.text,
        "raiseInAdvanceDays": fields.whole,
        "raiseEndDate": fields.moment,
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
            "chargeDate": to_dotnet(charge_date or self.received_ms),
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
                "contentType": document.file.content_type,
                "size": document.file.size,
                "sha256": document.file.sha256,
            },
            "ignoredFields": list(self.ignored_fields),
            "receivedDate": to_dotnet(self.received_ms),
            "charge": self.public(),
        }


class Charges(Ledger[Charge]):
    def record(
        self,
        target: Target,
        values: dict[str, Any],
        posted: dict[str, str],
        document: Document | None,
        now_ms: int,
    ) -> Charge:
        """Keep a checked charge; fields Alto does not know are listed as ignored."""
        ignored = sorted(set(posted) - set(values) - {FILE_FIELD})
        return self.add(
            lambda charge_id: Charge(
                charge_id, target, values, dict(posted), document, ignored, now_ms
            )
        )
