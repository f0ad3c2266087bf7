"""Pages from templates, one-shot notices carried across a redirect (post, redirect, get)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from repairlink.domain import limits
from repairlink.domain.formats import UK, Formats
from repairlink.web.again import NOTHING
from repairlink.web.plain import plain
from repairlink.web.run_view import kind_name, one_kind
from repairlink.web.session import Viewer
from repairlink.web.timeline import ACTORS

FLASH = "rl_flash"

templates = Jinja2Templates(directory=str(resources.files("repairlink.web") / "templates"))


def _formats(ctx: Context) -> Formats:
    found = ctx.get("fmt")
    return found if isinstance(found, Formats) else UK


def _with_formats(name: str) -> Callable[..., str]:
    """A filter that writes a value as the page's agency does (its locale and time zone)."""

    @pass_context
    def apply(ctx: Context, value: Any) -> str:
        method: Callable[[Any], str] = getattr(_formats(ctx), name)
        return method(value)

    return apply


@pass_context
def _counted(ctx: Context, count: int, one: str, many: str = "") -> str:
    return _formats(ctx).counted(count, one, many)


for _name in ("when", "day", "time", "money", "number", "phone"):
    templates.env.filters[_name] = _with_formats(_name)
templates.env.filters["counted"] = _counted  # {{ n | counted("row") }}: '1 row', '2 rows'
templates.env.filters["plain"] = plain
templates.env.globals["actors"] = ACTORS
templates.env.globals["limits"] = limits  # the forms tell people how long text may be
templates.env.globals["sent"] = NOTHING  # no form refused: web.again
templates.env.globals["kind_name"] = kind_name
templates.env.globals["one_kind"] = one_kind
templates.env.globals["event_name"] = lambda name: (
    str(name).replace(".", " ").replace("_", " ").capitalize()
)
templates.env.globals["document_kinds"] = {
    "invoice": "invoice",
    "completion": "completion document",
    "photo": "photo",
    "quote": "quote",
}


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
        request, name, _context(viewer, request, notices, context), status_code=status_code
    )
    if notices:
        response.delete_cookie(FLASH, path="/")
    return response


def streamed_page(
    request: Request, name: str, viewer: Viewer | None, **context: Any
) -> StreamingResponse:
    """A page sent while it renders: what the template writes in a loop over a slow
    generator reaches the browser at once, as a progress indicator (no proxy buffering)."""
    notices = _notices(request)
    values = {"request": request, **_context(viewer, request, notices, context)}
    response = StreamingResponse(
        templates.get_template(name).generate(values),
        media_type="text/html; charset=utf-8",
        headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"},
    )
    if notices:
        response.delete_cookie(FLASH, path="/")
    return response


def _context(
    viewer: Viewer | None, request: Request, notices: dict[str, str], context: dict[str, Any]
) -> dict[str, Any]:
    return {
        "viewer": viewer,
        "path": request.url.path,
        "fmt": viewer.formats if viewer else UK,
        **notices,
        **context,
    }


def redirect(url: str, *, notice: str = "", error: str = "") -> RedirectResponse:
    """303 after a form post, with a notice shown once on the next page."""
    response = RedirectResponse(url, status_code=303)
    said = {k: v for k, v in (("notice", notice), ("error", error)) if v}
    if said:
        response.set_cookie(
            FLASH, quote(json.dumps(said)), max_age=60, path="/", httponly=True, samesite="lax"
        )
    return response
