"""The one error model on pages (principle 8): a refused form comes back to the page it was
sent from with a notice naming the field by its label and saying why, in plain words (no rule
ids: web.plain); a page that cannot be shown says why."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from repairlink.errors import RepairlinkError
from repairlink.web.plain import choices, refusal, said
from repairlink.web.render import page, redirect
from repairlink.web.session import LoginRequired, current

log = logging.getLogger(__name__)
# An error page's heading, by its HTTP status: what happened, in people's words (the page's
# message says why and what to do)
HEADINGS = {
    400: "Something in the request was not right",
    401: "Please log in",
    403: "You cannot do that",
    404: "There is no such page",
    405: "That cannot be done here",
    409: "That cannot be done now",
    410: "That is no longer here",
    413: "The file is too large",
    415: "That kind of file cannot be taken",
    422: "Please check the form",
    429: "Too many tries: please wait a moment",
    500: "Something went wrong",
    502: "Something went wrong",
    503: "Not available just now",
    504: "That took too long",
}
QUOTED = re.compile(r"'([^']*)'")  # the values in pydantic's "Input should be 'a', 'b' or 'c'"


def back_of(request: Request) -> str:
    """Where the form was: the Referer's path when it is this site's, else the home page."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return "/"
    path = referer.path or "/"
    return path + (f"?{referer.query}" if referer.query else "")


def _viewer_or_none(request: Request):  # type: ignore[no-untyped-def]
    try:
        return current(request)
    except (LoginRequired, RepairlinkError):
        return None


def heading(status: int) -> str:
    if status in HEADINGS:
        return HEADINGS[status]
    return "Please check what was sent" if status < 500 else "Something went wrong"


def error_page(request: Request, status: int, message: str, back: str = "") -> Response:
    """The console's page for what cannot be shown; `back` links to the page the person came
    from (else to the start)."""
    return page(
        request,
        "error.html",
        _viewer_or_none(request),
        status_code=status,
        title=heading(status),
        message=message,
        back=back,
    )


def _refused(request: Request, status: int, message: str) -> Response:
    if request.method == "POST":
        return redirect(back_of(request), error=message)
    return error_page(request, status, message)


def _why(error: dict[str, Any]) -> str:
    """What was wrong with a value, in words: a choice outside a menu lists the menu's labels
    (not the values stored, 'quotes_requested')."""
    if error.get("type") == "enum":
        expected = str((error.get("ctx") or {}).get("expected", ""))
        return "choose one of " + choices(QUOTED.findall(expected))
    return str(error.get("msg", "not valid"))


def install(console: FastAPI) -> None:
    @console.exception_handler(LoginRequired)
    def login_required(request: Request, _exc: LoginRequired) -> Response:
        if request.method == "GET":
            return redirect(f"/login?next={request.url.path}")
        return redirect("/login", error="Your session has ended: log in again")

    @console.exception_handler(RepairlinkError)
    def domain_error(request: Request, exc: RepairlinkError) -> Response:
        return _refused(request, exc.status, refusal(exc))

    @console.exception_handler(RequestValidationError)
    def invalid_form(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for error in exc.errors():
            where = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
            parts.append(said(_why(error), ".".join(where) or "form"))
        return _refused(request, 422, "; ".join(parts) or "The form is not valid")

    @console.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):  # the JSON API's own shape, not a page
            phrase = HTTPStatus(exc.status_code).phrase
            code = "http." + phrase.lower().replace(" ", "_")
            body = {"status": exc.status_code, "title": phrase, "code": code, "detail": phrase}
            return JSONResponse(body, exc.status_code, media_type="application/problem+json")
        detail = exc.detail if isinstance(exc.detail, str) else ""
        return error_page(request, exc.status_code, detail or "There is no such page")

    @console.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path, exc_info=exc)
        return error_page(request, 500, "Something went wrong on our side")
