"""The console's answer to a request the request guard refuses before any route runs (text a
database cannot store, a body or file over its limit): the console's page with a notice naming
the field by its label and a link back to the page the form was on. The API's problem+json
answers are the guard's own (repairlink.api.request_guard)."""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from repairlink.web.errors import back_of, error_page
from repairlink.web.plain import field_label

MiB = 1024 * 1024
CONTROL = (
    "contains an invisible control character (often pasted from another program) that cannot "
    "be saved: remove it and send the form again"
)


def _size(limit: int | None) -> str:
    limit = limit or 0
    return f"{limit // MiB} MB" if limit >= MiB else f"{max(limit // 1024, 1)} KB"


def message(code: str, field: str | None, limit: int | None, form: str = "") -> str:
    """What the person is told: by the field's label where the guard knew the field."""
    if code == "request.too_large":
        if field:
            label = field_label(field, form)
            return f"{label}: the file is larger than {_size(limit)}: choose a smaller one"
        return (
            f"What was sent is larger than {_size(limit)} in all: send fewer or smaller "
            "files, or shorter text. Nothing was saved"
        )
    if field == "path":
        return "The address of the page contains a control character: check the link"
    subject = f"{field_label(field, form)}:" if field else "The form"
    return f"{subject} {CONTROL}"


def _back(request: Request, field: str | None) -> str:
    """The page the form was on; a refused search goes back to its list without the query."""
    if request.headers.get("referer") or field == "path":
        return back_of(request)
    return request.url.path if request.method == "GET" else "/"


async def refusal_page(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    code: str,
    field: str | None,
    limit: int | None,
) -> None:
    request = Request(scope, receive)
    said = message(code, field, limit, request.url.path)

    def draw() -> Response:  # the viewer's login is read from the database: not on the loop
        return error_page(request, status, said, _back(request, field))

    response = await run_in_threadpool(draw)
    if status == 413:
        response.headers["connection"] = "close"  # the rest of the body is never read
    await response(scope, receive, send)
