"""Works orders and charges in Alto's words (research §3, AL-10..AL-13): JSON for works orders,
a JSON Patch for their changes, multipart/form-data for documents and charges."""

from __future__ import annotations

from datetime import UTC, datetime

from repairlink.connectors.alto.client import AltoClient
from repairlink.outbound.issue_out import ChargeDraft, WorkOrderDraft


def _pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def vat_rate_type(net: int, vat: int) -> str:
    """Alto wants the VAT rate's name, not the amount: 20% Standard, 5% Reduced, none Zero."""
    if vat == 0:
        return "Zero"
    if net and abs(vat * 100 - net * 5) <= net // 100 + 1:  # within rounding of 5 %
        return "Reduced"
    return "Standard"


class AltoWorksOrders:
    """The WorkOrderWriter of sync.outbound, for Alto."""

    def __init__(self, client: AltoClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def find_work_order(self, property_ref: str, marker: str) -> str | None:
        listed = self.client.call("GET", f"/inventory/{property_ref}/work-orders")
        for order in listed.get("items", []):
            if str(order.get("summary", "")).startswith(marker):
                return str(order["id"])
        return None

    def create_work_order(self, draft: WorkOrderDraft, *, key: str) -> str:
        body = {
            "propertyId": draft.property_ref,
            "supplierContactId": draft.supplier_ref,
            "summary": draft.summary,
            "description": draft.description,
            "priority": draft.priority.capitalize(),
            "reportedDate": _iso(draft.reported_at),
            "startDate": _iso(draft.start_at) if draft.start_at else None,
            "quote": float(_pounds(draft.quote)) if draft.quote is not None else None,
            "status": draft.status,
            # Alto's actor is {type, id}: the tenant when Alto knows them, else who in words
            "reporterDetails": (
                {"type": "Tenant", "id": draft.tenant_ref} if draft.tenant_ref else draft.reporter
            ),
        }
        if draft.tenant_ref:
            body["tenantId"] = draft.tenant_ref
        created = self.client.call("POST", "/work-orders", json=body, key=key)
        return str(created["id"])

    def set_status(self, ref: str, status: str, notes: str | None, *, key: str) -> None:
        patch = [{"op": "replace", "path": "/status", "value": status}]
        if notes:
            patch.append({"op": "replace", "path": "/notes", "value": notes})
        self.client.call(
            "PATCH",
            f"/work-orders/{ref}",
            json=patch,
            headers={"Content-Type": "application/json-patch+json"},
            key=key,
        )

    def attach(self, ref: str, name: str, content_type: str, content: bytes, *, key: str) -> str:
        sent = self.client.call(
            "POST",
            f"/work-orders/{ref}/documents",
            files={"file": (name, content, content_type)},
            data={"name": name},
            key=key,
        )
        return str(sent["id"])

    def charge(self, draft: ChargeDraft, *, key: str) -> str:
        fields = {
            "chargeType": draft.category,
            "invoiceReference": draft.reference,
            "totalNet": _pounds(draft.net),
            "totalVat": _pounds(draft.vat),
            "vatRateType": vat_rate_type(draft.net, draft.vat),
            "workOrderId": draft.work_order_ref,
            "description": draft.description,
            "raiseImmediately": "true" if draft.raise_immediately else "false",
            "chargeDate": datetime.now(UTC).date().isoformat(),
        }
        if draft.supplier_ref:
            fields["supplierId"] = draft.supplier_ref
        if draft.tenancy_ref is not None:
            # our tenancy reference is "<Alto tenancy id>:<tenant id>" (one per tenant)
            tenancy_id = draft.tenancy_ref.split(":")[0]
            path = f"/tenancies/{tenancy_id}/charges"
            if draft.tenant_ref:
                fields["tenantId"] = draft.tenant_ref
        else:
            path = f"/inventory/{draft.property_ref}/charges"
        files = {"invoiceDocument": (draft.invoice_name, draft.invoice, draft.invoice_type)}
        sent = self.client.call("POST", path, data=fields, files=files, key=key)
        return str(sent["id"])
