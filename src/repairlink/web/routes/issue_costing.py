"""An issue's cost code, chosen on its page from its building's cost codes (block management)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from repairlink.services import issue_costing
from repairlink.web.render import redirect
from repairlink.web.session import StaffPost

router = APIRouter(prefix="/issues/{issue_id}")


@router.post("/cost-code")
def choose(
    viewer: StaffPost,
    issue_id: int,
    cost_code_id: Annotated[str, Form(max_length=20)] = "",
) -> RedirectResponse:
    chosen = int(cost_code_id) if cost_code_id.isdigit() else None
    issue_costing.choose_cost_code(viewer.uow(), viewer.who, issue_id, chosen)
    notice = "Cost code chosen" if chosen else "Cost code cleared"
    return redirect(f"/issues/{issue_id}", notice=notice)
