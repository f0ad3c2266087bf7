"""The errors a handler raises, and how a simulator writes them on the wire.

Handlers raise `BadRequest`, `FieldError`, `NotFound` or `UnsupportedMedia`; the guard turns
them into responses through the simulator's `ErrorBodies`, because every PMS shapes its error
bodies its own way. `ProblemDetails` is RFC 7807 as ASP.NET writes it (Alto, for one).
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Protocol

from starlette.responses import JSONResponse, Response


class BadRequest(Exception):
    """A request the PMS answers with 400."""


class FieldError(BadRequest):
    """A 400 about one field of a write, named so the client knows which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}")
        self.field = field
        self.message = message


class NotFound(Exception):
    """A record (or kind) the PMS does not have: 404."""


class UnsupportedMedia(Exception):
    """A body of a content type the endpoint does not take: 415."""


def title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ErrorBodies(Protocol):
    """How one PMS writes an error: any status, and a field error of a write."""

    def problem(
        self, status: int, detail: str, headers: Mapping[str, str] | None = None
    ) -> Response: ...

    def field_problem(self, error: FieldError) -> Response: ...


class ProblemDetails:
    """`{"type": null, "title", "status", "detail"}`; a field error adds ASP.NET's
    `errors: [{code, message, field}]` list alongside."""

    def problem(
        self, status: int, detail: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        body = {"type": None, "title": title(status), "status": status, "detail": detail}
        return JSONResponse(body, status_code=status, headers=dict(headers or {}))

    def field_problem(self, error: FieldError) -> Response:
        body = {
            "type": None,
            "title": title(400),
            "status": 400,
            "detail": str(error),
            "errors": [{"code": "Invalid", "message": str(error), "field": error.field}],
        }
        return JSONResponse(body, status_code=400)
