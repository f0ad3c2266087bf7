"""An issue's cost code, chosen on its page from its building's cost codes (block management)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.services import issue_costing
from repairlink.web.again import Sent
from repairlink.web.routes.issue_pages import act
from repairlink.web.session import StaffPost

router = APIRouter(prefix="/issues/{issue_id}")


@router.post("/cost-code", response_model=None)
def choose(
    request: Request,
    viewer: StaffPost,
    issue_id: int,
    cost_code_id: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse | RedirectResponse:
    chosen = int(cost_code_id) if cost_code_id.isdigit() else None

    def action() -> str:
        issue_costing.choose_cost_code(viewer.uow(), viewer.who, issue_id, chosen)
        return "Cost code chosen" if chosen else "Cost code cleared"

    sent = Sent("cost-code", {"cost_code_id": cost_code_id})
    return act(request, viewer, issue_id, sent, action)
