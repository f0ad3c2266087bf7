"""The dashboard: each integration's health at a glance."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from repairlink.web.health import integration_health
from repairlink.web.render import page
from repairlink.web.session import Staff

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, viewer: Staff) -> HTMLResponse:
    return page(
        request,
        "dashboard.html",
        viewer,
        title="Dashboard",
        integrations=integration_health(viewer),
        parse=datetime.fromisoformat,
    )
