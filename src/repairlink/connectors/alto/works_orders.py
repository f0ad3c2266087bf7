"""The way out in Alto's words (research §3, AL-10..AL-12): a works order's JSON body built from
the issue's facts, a JSON Patch for its changes, multipart/form-data for its documents, and the
works order found again by listing the property's and matching the issue's marker. Alto offers
the WorkOrders, Documents and Charges capabilities (charges in charges.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from repairlink.connectors.alto.charges import post_charge, pounds
from repairlink.connectors.alto.client import AltoClient
from repairlink.connectors.alto.config import AltoConfig
from repairlink.pms.capabilities import Attachment, Charge, PmsWorkOrder
from repairlink.pms.issue_facts import IssueFacts


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def works_order_body(facts: IssueFacts, status: str) -> dict[str, Any]:
    """AL-10: property, supplier (none for a landlord), status, reported and start dates, the
    awarded quote, the summary starting with the issue's marker, description, reporter (the
    tenant when Alto knows them, else who in words), priority."""
    issue, refs = facts.issue, facts.refs
    body: dict[str, Any] = {
        "propertyId": refs.property,
        "supplierContactId": refs.supplier,
        "summary": f"{facts.marker} {issue.title}"[:150],
        "description": issue.description,
        "priority": issue.priority.capitalize(),
        "reportedDate": _iso(issue.created_at or datetime.now(UTC)),
        "startDate": _iso(issue.appointment_at) if issue.appointment_at else None,
        "quote": float(pounds(facts.quote)) if facts.quote is not None else None,
        "status": status,
        # Alto's actor is {type, id}: the tenant when Alto knows them, else who in words
        "reporterDetails": (
            {"type": "Tenant", "id": refs.tenant} if refs.tenant else facts.reporter
        ),
    }
    if refs.tenant:
        body["tenantId"] = refs.tenant
    return body


class AltoWorksOrders:
    """Alto's outbound side: WorkOrders, Documents, Charges (pms/capabilities.py)."""

    def __init__(self, config: AltoConfig, client: AltoClient | None = None) -> None:
        self.client = client or AltoClient(config)

    def close(self) -> None:
        self.client.close()

    def find_work_order(self, facts: IssueFacts) -> PmsWorkOrder | None:
        listed = self.client.call("GET", f"/inventory/{facts.refs.property}/work-orders")
        for order in listed.get("items", []):
            if str(order.get("summary", "")).startswith(facts.marker):
                return PmsWorkOrder(str(order["id"]))
        return None

    def create_work_order(self, facts: IssueFacts, status: str, *, key: str) -> PmsWorkOrder:
        body = works_order_body(facts, status)
        created = self.client.call("POST", "/work-orders", json=body, key=key)
        return PmsWorkOrder(str(created["id"]))

    def update_work_order(
        self, facts: IssueFacts, work_order: str, status: str, *, notes: str | None, key: str
    ) -> None:
        """AL-11: the status (and the contractor's notes) as a JSON Patch."""
        patch = [{"op": "replace", "path": "/status", "value": status}]
        if notes:
            patch.append({"op": "replace", "path": "/notes", "value": notes})
        self.client.call(
            "PATCH",
            f"/work-orders/{work_order}",
            json=patch,
            headers={"Content-Type": "application/json-patch+json"},
            key=key,
        )

    def attach(self, work_order: str, document: Attachment, *, key: str) -> str:
        sent = self.client.call(
            "POST",
            f"/work-orders/{work_order}/documents",
            files={"file": (document.name, document.content, document.content_type)},
            data={"name": document.name},
            key=key,
        )
        return str(sent["id"])

    def post_charge(self, facts: IssueFacts, charge: Charge, *, key: str) -> str:
        return post_charge(self.client, facts, charge, key=key)
