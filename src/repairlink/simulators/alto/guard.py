"""What stands between a client and Alto's data: auth headers, injected faults, counting.

Every data endpoint is wrapped by `guarded`: it counts the request, checks the bearer token
and AgencyRef, lets the fault plan throttle, fail or stall it, and turns query mistakes into
the 400/404 problem bodies Alto answers with.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .auth import AuthError
from .faults import Fault
from .listing import BadRequest
from .mutations import NotFound
from .state import SimState

Handler = Callable[[SimState, Request], Response]
Endpoint = Callable[[Request], Awaitable[Response]]

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def problem(status: int, detail: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """Alto's error body: an RFC 7807-shaped ProblemDetails served as application/json."""
    body = {"type": None, "title": TITLES.get(status, "Error"), "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def guarded(state: SimState, name: str, handler: Handler) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        response = await _serve(state, handler, request)
        state.count(name, response.status_code)
        return response

    return endpoint


async def _serve(state: SimState, handler: Handler, request: Request) -> Response:
    try:
        state.authority.check(
            request.headers.get("authorization"), request.headers.get("agencyref")
        )
    except AuthError as error:
        challenge = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return problem(error.status, error.title, challenge)
    fault = state.faults.draw(request.url.path)
    if fault is not None:
        return await _fault_response(state, fault)
    try:
        return handler(state, request)
    except BadRequest as error:
        return problem(400, str(error))
    except NotFound as error:
        return problem(404, str(error))


async def _fault_response(state: SimState, fault: Fault) -> Response:
    settings = state.faults.settings
    if fault.kind == "429":
        return problem(429, "Rate limit exceeded.", {"Retry-After": str(settings.retry_after)})
    if fault.kind == "timeout":
        # Stall past the client's patience; give up early only when the server stops.
        stopping = state.stopping or asyncio.Event()
        try:
            await asyncio.wait_for(stopping.wait(), timeout=settings.timeout_seconds)
        except TimeoutError:
            pass
        return problem(504, "The upstream service did not answer in time.")
    return problem(int(fault.kind), "An injected server error.")


def emit(state: SimState, item: dict[str, Any], record_id: int, modified_ms: int) -> dict[str, Any]:
    """One record as served: broken on purpose when the fault plan marks it malformed."""
    if state.faults.is_malformed(record_id, modified_ms):
        return state.faults.malform(item, record_id, modified_ms)
    return item


def flag(params: Mapping[str, str], name: str) -> bool | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise BadRequest(f"{name} must be true or false.")
    return lowered == "true"


def choice(params: Mapping[str, str], name: str, values: tuple[str, ...]) -> int | None:
    """An enum parameter's code; "Unspecified" (or absent) means no filter, as Alto notes."""
    value = params.get(name)
    if value is None or value == "" or value == "Unspecified":
        return None
    for code, known in enumerate(values):
        if known.lower() == value.lower():
            return code
    raise BadRequest(f"{name} must be one of {', '.join(values)}.")
