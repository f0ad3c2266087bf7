"""Every error as an RFC 9457 problem (`application/problem+json`):
`{type, title, status, detail, code, field, rule}`.

Domain errors carry their own code, field and rule; request validation errors become 422
`request.invalid` naming the offending field; HTTP errors (unknown route, wrong method) keep
their status with a problem body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from repairlink.errors import RepairlinkError, ThrottledError

MEDIA_TYPE = "application/problem+json"
LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})
log = logging.getLogger(__name__)


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    field: str | None = None,
    rule: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:repairlink:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "field": field,
        "rule": rule,
        **extra,
    }
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer", **(headers or {})}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def field_of(loc: Sequence[Any]) -> str:
    """('body', 'costs', 0, 'net') -> 'costs.0.net'; the request part is dropped."""
    parts = list(loc)
    if parts and parts[0] in LOCATIONS:
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(RepairlinkError)
    def domain_error(_request: Request, exc: RepairlinkError) -> JSONResponse:
        headers = (
            {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, ThrottledError) else None
        )
        return problem(
            exc.status, exc.code, exc.message, field=exc.field, rule=exc.rule, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": field_of(e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": "", "message": "Invalid request"}
        detail = "; ".join(f"{e['field'] or 'request'}: {e['message']}" for e in errors)
        return problem(
            422,
            "request.invalid",
            detail or "Invalid request",
            field=first["field"] or None,
            errors=errors,
        )

    @app.exception_handler(HTTPException)
    def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        phrase = HTTPStatus(exc.status_code).phrase
        code = "http." + phrase.lower().replace(" ", "_").replace("-", "_")
        detail = exc.detail if isinstance(exc.detail, str) else phrase
        return problem(exc.status_code, code, detail, headers=exc.headers)

    @app.exception_handler(Exception)
    def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(500, "server.error", "Something went wrong on our side")
