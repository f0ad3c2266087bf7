"""The way out in Propertyware's words (research §4.2, PW-08): a `SaveWorkOrder` body built from
the issue's facts, `PUT` for each later change, `closeworkorder` on closing, documents as
multipart uploads on the work order, and a work order found again by the issue's marker at the
start of its description. Propertyware offers the WorkOrders and Documents capabilities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from repairlink.connectors.propertyware.client import PropertywareClient
from repairlink.connectors.propertyware.config import PropertywareConfig
from repairlink.connectors.propertyware.connector import pw_time
from repairlink.pms.capabilities import Attachment, PmsWorkOrder
from repairlink.pms.issue_facts import IssueFacts

PRIORITY = {"high": "HIGH", "urgent": "HIGH", "low": "LOW"}  # anything else: MEDIUM
CLOSED = "Closed"


def work_order_body(facts: IssueFacts, status: str, managed_by: str) -> dict[str, Any]:
    """The unit, the issue's marker and title leading its description, category, priority,
    status, who asked, and the integration user as 'Managed By' (so it stays ours)."""
    issue = facts.issue
    text = f"{facts.marker} {issue.title}"
    if issue.description:
        text += f"\n\n{issue.description}"
    return {
        "unitID": int(str(facts.refs.property)),
        "description": text[:4000],
        "category": issue.category or None,
        "priority": PRIORITY.get(issue.priority, "MEDIUM"),
        "status": status,
        "type": "service request",
        "source": "Internal",
        "managedBy": managed_by,
        "requestedBy": facts.reporter or None,
    }


class PropertywareWorkOrders:
    """Propertyware's outbound side: WorkOrders, Documents (pms/capabilities.py)."""

    def __init__(
        self, config: PropertywareConfig, client: PropertywareClient | None = None
    ) -> None:
        self.config = config
        self.client = client or PropertywareClient(config)

    def close(self) -> None:
        self.client.close()

    def find_work_order(self, facts: IssueFacts) -> PmsWorkOrder | None:
        """Work orders changed since just before the issue was made, by the marker."""
        since = (facts.issue.created_at or datetime.now(UTC)) - timedelta(minutes=5)
        offset = 0
        while True:
            params = {"offset": offset, "limit": 500, "lastModifiedDateTimeStart": pw_time(since)}
            response = self.client.request("GET", "/workorders", params=params)
            listed = response.json()
            for order in listed:
                if str(order.get("description") or "").startswith(facts.marker):
                    return PmsWorkOrder(str(order["id"]), str(order.get("number") or ""))
            offset += len(listed)
            if not listed or offset >= int(response.headers.get("X-Total-Count", offset)):
                return None

    def create_work_order(self, facts: IssueFacts, status: str, *, key: str) -> PmsWorkOrder:
        body = work_order_body(facts, status, self.config.integration_user)
        created = self.client.call("POST", "/workorders", json=body, key=key)
        return PmsWorkOrder(str(created["id"]), str(created.get("number") or ""))

    def update_work_order(
        self, facts: IssueFacts, work_order: str, status: str, *, notes: str | None, key: str
    ) -> None:
        """Every change: the work order's fields and status; closing it closes it there."""
        if status == CLOSED:
            completed = facts.issue.updated_at or datetime.now(UTC)
            body = {"completedDate": completed.date().isoformat(), "comments": notes}
            path = f"/workorders/closeworkorder/{work_order}"
            self.client.call("PUT", path, json=body, key=key)
            return
        body = work_order_body(facts, status, self.config.integration_user)
        body.pop("unitID")
        if notes:
            body["description"] = f"{body['description']}\n\nCompletion notes: {notes}"[:4000]
        self.client.call("PUT", f"/workorders/{work_order}", json=body, key=key)

    def attach(self, work_order: str, document: Attachment, *, key: str) -> str:
        sent = self.client.call(
            "POST",
            f"/workorders/{work_order}/documents",
            files={"file": (document.name, document.content, document.content_type)},
            data={"description": document.name},
            key=key,
        )
        return str(sent["id"])
