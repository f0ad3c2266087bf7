"""Pages from templates, one-shot notices carried across a redirect (post, redirect, get)."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from repairlink.web.session import Viewer

FLASH = "rl_flash"
LOCAL = ZoneInfo("Europe/London")  # the agencies are British; times are shown in their zone

templates = Jinja2Templates(directory=str(resources.files("repairlink.web") / "templates"))


def when(value: datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
    if value is None:
        return "—"
    return value.astimezone(LOCAL).strftime(fmt)


def pounds(pence: int | None) -> str:
    return "—" if pence is None else f"£{pence / 100:,.2f}"


templates.env.filters["when"] = when
templates.env.filters["pounds"] = pounds


def _notices(request: Request) -> dict[str, str]:
    raw = request.cookies.get(FLASH)
    if not raw:
        return {}
    try:
        found = json.loads(unquote(raw))
    except ValueError:
        return {}
    return {k: str(v) for k, v in found.items() if k in ("notice", "error")}


def page(
    request: Request,
    name: str,
    viewer: Viewer | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    notices = _notices(request)
    response = templates.TemplateResponse(
        request,
        name,
        {"viewer": viewer, "path": request.url.path, **notices, **context},
        status_code=status_code,
    )
    if notices:
        response.delete_cookie(FLASH, path="/")
    return response


def redirect(url: str, *, notice: str = "", error: str = "") -> RedirectResponse:
    """303 after a form post, with a notice shown once on the next page."""
    response = RedirectResponse(url, status_code=303)
    said = {k: v for k, v in (("notice", notice), ("error", error)) if v}
    if said:
        response.set_cookie(
            FLASH, quote(json.dumps(said)), max_age=60, path="/", httponly=True, samesite="lax"
        )
    return response
