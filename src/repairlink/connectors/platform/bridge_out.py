"""The platform's way out: every capability answered from the bridge client's
acknowledgements, or handed to it as a command (see `pms.bridge`). The PX-06 conditions we can
judge are judged here; the one only the PMS knows (is the property assigned to the integration
user?) goes with the create, and the client's answer says so."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from repairlink.connectors.platform.config import PlatformConfig
from repairlink.pms.bridge import AwaitingClient, Command, NotSent
from repairlink.pms.capabilities import PmsWorkOrder
from repairlink.pms.issue_facts import IssueFacts

NEW_STATUS = "Assigned"  # PX-06: a new work order is assigned to the integration user


class BridgeWorkOrders:
    """WorkOrders, Assignment and Renumbering, through the bridge client."""

    def __init__(self, config: PlatformConfig) -> None:
        self.config = config
        self.answers: Mapping[str, Mapping[str, Any]] = {}
        self._conditional = False  # the next update goes only if still assigned (PX-04)

    def why_not_sent(self, facts: IssueFacts) -> str | None:
        """PX-06 (and PX-04's `none`): why this issue does not go to the PMS, or None."""
        if self.config.sync_method == "none":
            return "Not sent: the integration sync method is 'no work orders'"
        created = facts.issue.created_at
        if created is not None and created.date() < self.config.sync_start:
            return (
                "Not sent: the issue was reported before the sync start date "
                f"({self.config.sync_start.isoformat()})"
            )
        return None

    def _answered(self, key: str) -> Mapping[str, Any] | None:
        answer = self.answers.get(key)
        if answer is not None and answer.get("skipped"):
            raise NotSent(f"Not sent: {answer['skipped']}")
        return answer

    def create_work_order(self, facts: IssueFacts, status: str, *, key: str) -> PmsWorkOrder:
        why = self.why_not_sent(facts)
        if why:
            raise NotSent(why)
        answer = self._answered(key)
        if answer is not None:
            return PmsWorkOrder(str(answer["work_order_id"]), answer.get("number"))
        body = {
            "issue_id": facts.issue.id,
            "property_id": facts.refs.property,
            "summary": f"{facts.marker} {facts.issue.title}",
            "description": facts.issue.description,
            "status": NEW_STATUS,
            "assignee_id": self.config.integration_user,
            "marker": facts.marker,
            # PX-06: only a property assigned to the integration user takes it
            "require_property_assigned_to": self.config.integration_user,
        }
        raise AwaitingClient(Command(key, "create_work_order", body))

    def update_work_order(
        self, facts: IssueFacts, work_order: str, status: str, *, notes: str | None, key: str
    ) -> None:
        if self.config.sync_method == "none":
            raise NotSent("Not sent: the integration sync method is 'no work orders'")
        if self._answered(key) is not None:
            return
        body = {
            "issue_id": facts.issue.id,
            "work_order_id": work_order,
            "status": status,
            "notes": notes,
            # PX-04: with `assigned`, the client applies it only while the work order is
            # still assigned to the integration user, and answers `"assigned": false` if not
            "only_if_assigned_to": self.config.integration_user if self._conditional else None,
        }
        raise AwaitingClient(Command(key, "update_work_order", body))

    def find_work_order(self, facts: IssueFacts) -> PmsWorkOrder | None:
        # The client de-duplicates creates by the command's key and the marker it carries.
        return None

    def still_assigned(self, work_order: str) -> bool:
        if any(answer.get("assigned") is False for answer in self.answers.values()):
            return False
        self._conditional = self.config.sync_method == "assigned"
        return True

    def work_order_number(self, work_order: PmsWorkOrder) -> str:
        return work_order.number or work_order.id

    def close(self) -> None:
        pass
