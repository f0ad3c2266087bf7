"""The guard of the write side: the read side's auth and faults, for handlers that await bodies.

Same order as `guard.guarded`: count, check the bearer token and AgencyRef, let the fault
plan throttle, fail or stall the request (before the body is read, so a faulted write is
never applied), then run the handler. A field error becomes a 400 that names the field, in
ProblemDetails with Alto's `errors: [{code, message}]` list alongside.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .auth import AuthError
from .fields import FieldError
from .guard import _fault_response as fault_response
from .guard import problem
from .listing import BadRequest
from .mutations import NotFound
from .state import SimState

AsyncHandler = Callable[[SimState, Request], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]
JSON_TYPES = ("application/json", "text/json")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class UnsupportedMedia(Exception):
    pass


def field_problem(error: FieldError) -> JSONResponse:
    body = {
        "type": None,
        "title": "Bad Request",
        "status": 400,
        "detail": str(error),
        "errors": [{"code": "Invalid", "message": str(error), "field": error.field}],
    }
    return JSONResponse(body, status_code=400)


def guarded_async(state: SimState, name: str, handler: AsyncHandler) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        response = await _serve(state, handler, request)
        state.count(name, response.status_code)
        return response

    return endpoint


async def _serve(state: SimState, handler: AsyncHandler, request: Request) -> Response:
    try:
        state.authority.check(
            request.headers.get("authorization"), request.headers.get("agencyref")
        )
    except AuthError as error:
        challenge = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return problem(error.status, error.title, challenge)
    fault = state.faults.draw(request.url.path)
    if fault is not None:
        return await fault_response(state, fault)
    try:
        return await handler(state, request)
    except FieldError as error:
        return field_problem(error)
    except BadRequest as error:
        return problem(400, str(error))
    except NotFound as error:
        return problem(404, str(error))
    except UnsupportedMedia as error:
        return problem(415, str(error))
    except HTTPException as error:  # a malformed multipart body, from Starlette's parser
        return problem(error.status_code, error.detail)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def json_body(request: Request) -> Any:
    """A JSON body (application/json, text/json or any +json type, as ASP.NET takes)."""
    kind = media_type(request)
    if kind not in JSON_TYPES and not kind.endswith("+json"):
        raise UnsupportedMedia(f"Content-Type must be JSON, not {kind or 'missing'}.")
    try:
        return json.loads(await request.body())
    except ValueError as error:
        raise FieldError("body", "is not valid JSON.") from error


def require_form(request: Request) -> None:
    kind = media_type(request)
    if kind not in FORM_TYPES:
        raise UnsupportedMedia(
            f"Content-Type must be multipart/form-data, not {kind or 'missing'}."
        )
