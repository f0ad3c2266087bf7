"""The way out in Propman's words (seed 000, PM-04..PM-06): a repair order with every PM-04
field, created on instruction and sent whole again (PUT) on every status change; on close, a
purchase invoice record. Propman names a repair order by its job reference (RO...), which is
what we keep for it and what the purchase invoice quotes. Offers the WorkOrders and
PurchaseInvoices capabilities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from repairlink.connectors.propman.client import PropmanClient
from repairlink.connectors.propman.config import PropmanConfig
from repairlink.pms.capabilities import PmsWorkOrder, PurchaseInvoice
from repairlink.pms.issue_facts import IssueFacts


def repair_order_body(facts: IssueFacts, status: str) -> dict[str, Any]:
    """PM-04: IS#, status, title, category, details, start date, cost code, the assigned
    supplier, and the estate, building and unit, by Propman reference."""
    issue, refs = facts.issue, facts.refs
    return {
        "issueReference": issue.reference,
        "status": status,
        "title": issue.title,
        "category": issue.category or None,
        "details": issue.description,
        "startDate": issue.appointment_at.date().isoformat() if issue.appointment_at else None,
        "costCode": facts.cost_code,
        "supplierReference": refs.supplier,
        "estateReference": refs.estate,
        "buildingReference": refs.building,
        "unitReference": refs.property,
    }


def pounds(pence: int) -> str:
    return f"{Decimal(pence) / 100:.2f}"


class PropmanRepairOrders:
    """Propman's outbound side: WorkOrders and PurchaseInvoices (pms/capabilities.py)."""

    def __init__(self, config: PropmanConfig, client: PropmanClient | None = None) -> None:
        self.client = client or PropmanClient(config)

    def close(self) -> None:
        self.client.close()

    def find_work_order(self, facts: IssueFacts) -> PmsWorkOrder | None:
        found = self.client.call(
            "GET", "/repair-orders", params={"issueReference": facts.issue.reference}
        )
        for order in found.get("items", []):
            if order.get("unitReference") == facts.refs.property:
                return PmsWorkOrder(str(order["jobReference"]))
        return None

    def create_work_order(self, facts: IssueFacts, status: str, *, key: str) -> PmsWorkOrder:
        body = repair_order_body(facts, status)
        created = self.client.call("POST", "/repair-orders", json=body, key=key)
        return PmsWorkOrder(str(created["jobReference"]))

    def update_work_order(
        self, facts: IssueFacts, work_order: str, status: str, *, notes: str | None, key: str
    ) -> None:
        """PM-05: every field again, with the new status."""
        body = repair_order_body(facts, status)
        self.client.call("PUT", f"/repair-orders/{work_order}", json=body, key=key)

    def post_purchase_invoice(
        self, facts: IssueFacts, invoice: PurchaseInvoice, *, key: str
    ) -> str:
        """PM-06: the issue's reference, the job's, the net and gross amounts."""
        body = {
            "issueReference": invoice.issue_reference,
            "jobReference": invoice.job_reference,
            "netAmount": pounds(invoice.net),
            "grossAmount": pounds(invoice.gross),
        }
        sent = self.client.call("POST", "/purchase-invoices", json=body, key=key)
        return str(sent["invoiceReference"])
