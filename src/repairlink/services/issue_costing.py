"""An issue's cost code (block management): chosen from the cost codes of the building its unit
stands in, so that the repair order tells the PMS which service-charge budget pays (PM-04)."""

from __future__ import annotations

from repairlink.domain.issues import Issue
from repairlink.domain.places import CostCode, Unit
from repairlink.errors import InvalidError
from repairlink.services.auth import Principal
from repairlink.services.issue_reads import load, load_to_change
from repairlink.services.issues import STAFF
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork


def cost_codes_for(uow: UnitOfWork, who: Principal, issue_id: int) -> list[CostCode]:
    """The cost codes an issue may take: its unit's building's, by code."""
    with uow.reading():
        issue = load(uow, who, issue_id, *STAFF)
        return _building_codes(uow, issue)


def _building_codes(uow: UnitOfWork, issue: Issue) -> list[CostCode]:
    if issue.unit_id is None:
        return []
    building_id = uow.get(Unit, issue.unit_id).building_id
    if building_id is None:
        return []
    c = cols(CostCode)
    return uow.all(uow.select(CostCode, c.building_id == building_id).order_by(c.code))


def choose_cost_code(
    uow: UnitOfWork, who: Principal, issue_id: int, cost_code_id: int | None
) -> Issue:
    """Set (or clear, with None) the issue's cost code: one of its building's."""
    with uow:
        issue = load_to_change(uow, who, issue_id, *STAFF)
        if cost_code_id is not None:
            allowed = {code.id for code in _building_codes(uow, issue)}
            if cost_code_id not in allowed:
                raise InvalidError(
                    "issue.cost_code_not_of_building",
                    "Choose one of the cost codes of the issue's building",
                    field="cost_code_id",
                )
        issue.cost_code_id = cost_code_id
        issue.updated_at = uow.now()
        uow.emit(
            "issue.updated",
            issue,
            number=issue.number,
            status=issue.status.value,
            cost_code_id=cost_code_id,
        )
        uow.commit()
    return issue
