"""For administrators: the team (logins and their roles), API keys (the secret shown once) and
the agency's settings (its name, feedback, contractor costs and invoice, only uploaded
properties: C-07, C-08, C-11; how money and dates are written)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.agency import CostsOption, InvoiceOption, Role
from repairlink.domain.formats import LOCALES
from repairlink.services import agencies, auth
from repairlink.web.again import FORM_REFUSALS, NOTHING, Sent, as_sent, reason
from repairlink.web.plain import said
from repairlink.web.render import page, redirect
from repairlink.web.session import ROLE_NAMES, Admin, AdminPost, Viewer

router = APIRouter()
STAFF_ROLES = (Role.AGENT, Role.ADMIN)
Text = Annotated[str, Form(max_length=320)]
Flag = Annotated[str, Form(max_length=10)]
ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)


@router.get("/team", response_class=HTMLResponse)
def team(request: Request, viewer: Admin) -> HTMLResponse:
    return _team_page(request, viewer)


def _team_page(
    request: Request, viewer: Viewer, *, sent: Sent = NOTHING, error: str = "", status: int = 200
) -> HTMLResponse:
    return page(
        request,
        "admin/team.html",
        viewer,
        status_code=status,
        title="Team",
        users=auth.list_users(viewer.uow()),
        roles=STAFF_ROLES,
        role_names=ROLE_NAMES,
        **as_sent(sent, error),
    )


@router.post("/team", response_model=None)
def add_user(
    request: Request,
    viewer: AdminPost,
    email: Text,
    name: Text,
    role: Annotated[Role, Form()],
    password: Text,
) -> HTMLResponse | RedirectResponse:
    """A refusal draws the form again with the name, email and role as sent (never the
    password: a page does not carry one back)."""
    sent = Sent("team", {"name": name, "email": email, "role": role.value})
    if role not in STAFF_ROLES:
        error = said("the team page adds agents and administrators", "role")
        return _team_page(request, viewer, sent=sent, error=error, status=422)
    try:
        made = auth.create_user(
            viewer.uow(), email=email, name=name.strip(), role=role, password=password
        )
    except FORM_REFUSALS as exc:
        return _team_page(request, viewer, sent=sent, error=reason(exc), status=exc.status)
    return redirect(
        "/team", notice=f"{made.name or made.email} can now log in as {ROLE_NAMES[role][:-1]}"
    )


@router.get("/api-keys", response_class=HTMLResponse)
def api_keys(request: Request, viewer: Admin) -> HTMLResponse:
    return page(
        request,
        "admin/api_keys.html",
        viewer,
        title="API keys",
        keys=auth.list_api_keys(viewer.uow()),
        roles=STAFF_ROLES,
        role_names=ROLE_NAMES,
    )


@router.post("/api-keys", response_class=HTMLResponse)
def create_key(
    request: Request, viewer: AdminPost, name: Text, role: Annotated[Role, Form()]
) -> HTMLResponse:
    """The answer is a page, not a redirect: the key is in it, once, never stored in a cookie
    or a URL; `no-store` keeps it out of the browser's cache."""
    if role not in STAFF_ROLES:
        role = Role.AGENT
    key, secret = auth.create_api_key(viewer.uow(), name=name.strip() or "API key", role=role)
    response = page(
        request,
        "admin/api_key_created.html",
        viewer,
        title="API key created",
        key=key,
        secret=secret,
        role_names=ROLE_NAMES,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/api-keys/{key_id}/revoke")
def revoke_key(viewer: AdminPost, key_id: int) -> RedirectResponse:
    key = auth.revoke_api_key(viewer.uow(), key_id)
    return redirect("/api-keys", notice=f"The key “{key.name}” is revoked: it no longer works")


@router.get("/settings", response_class=HTMLResponse)
def settings(request: Request, viewer: Admin) -> HTMLResponse:
    return _settings_page(request, viewer)


def _settings_page(
    request: Request, viewer: Viewer, *, sent: Sent = NOTHING, error: str = "", status: int = 200
) -> HTMLResponse:
    return page(
        request,
        "admin/settings.html",
        viewer,
        status_code=status,
        title="Agency settings",
        agency=viewer.agency,
        locales=LOCALES,
        zones=ZONES,
        **as_sent(sent, error),
    )


@router.post("/settings", response_model=None)
def save_settings(
    request: Request,
    viewer: AdminPost,
    name: Annotated[str, Form(max_length=255)],
    costs_option: Annotated[CostsOption, Form()],
    invoice_option: Annotated[InvoiceOption, Form()],
    locale: Annotated[str, Form(max_length=16)],
    time_zone: Annotated[str, Form(max_length=64)],
    feedback_enabled: Flag = "",
    only_display_uploaded_properties: Flag = "",
) -> HTMLResponse | RedirectResponse:
    """A refusal draws the form again with every value as sent, not only the refused one."""
    changes = {
        "name": name,
        "feedback_enabled": feedback_enabled == "yes",
        "costs_option": costs_option,
        "invoice_option": invoice_option,
        "only_display_uploaded_properties": only_display_uploaded_properties == "yes",
        "locale": locale,
        "time_zone": time_zone,
    }
    try:
        agencies.update_settings(viewer.uow(), changes)
    except FORM_REFUSALS as exc:
        error = reason(exc, form="/settings")
        return _settings_page(
            request, viewer, sent=Sent("settings", changes), error=error, status=exc.status
        )
    return redirect("/settings", notice="Settings saved")
