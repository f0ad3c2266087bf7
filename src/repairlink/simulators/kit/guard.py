"""What stands between a client and a simulator's endpoints, reads and writes alike.

`guarded` wraps a handler (plain or async): it counts the request by endpoint and status,
checks the auth scheme's headers, lets the fault plan throttle, fail or stall the request
before the body is read (so a faulted write is never applied), then runs the handler and
turns what it raises into the PMS's own error bodies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .auth import AuthError
from .errors import BadRequest, FieldError, NotFound, UnsupportedMedia
from .faults import Fault
from .runtime import Runtime

S = TypeVar("S", bound=Runtime)
# A handler answers at once or awaits (a body, a form); both run on the server's event loop.
Handler = Callable[[S, Request], Response | Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def guarded(state: S, name: str, handler: Handler[S]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        response = await _serve(state, handler, request)
        state.count(name, response.status_code)
        return response

    return endpoint


def routes(state: S, endpoints: Iterable[tuple[str, str, Handler[S]]]) -> list[Route]:
    """Guarded routes from (method, path, handler); each is counted as "METHOD path"."""
    return [
        Route(path, guarded(state, f"{method} {path}", handler), methods=[method])
        for method, path, handler in endpoints
    ]


async def _serve(state: S, handler: Handler[S], request: Request) -> Response:
    errors = state.errors
    try:
        state.auth.check(request.headers)
    except AuthError as error:
        return errors.problem(error.status, error.detail, error.headers)
    fault = state.faults.draw(request.url.path)
    if fault is not None:
        return await _fault_response(state, fault)
    try:
        answer = handler(state, request)
        return answer if isinstance(answer, Response) else await answer
    except FieldError as error:
        return errors.field_problem(error)
    except BadRequest as error:
        return errors.problem(400, str(error))
    except NotFound as error:
        return errors.problem(404, str(error))
    except UnsupportedMedia as error:
        return errors.problem(415, str(error))
    except HTTPException as error:  # a malformed multipart body, from Starlette's parser
        return errors.problem(error.status_code, error.detail)


async def _fault_response(state: Runtime, fault: Fault) -> Response:
    settings, errors = state.faults.settings, state.errors
    if fault.kind == "429":
        return errors.problem(
            429, "Rate limit exceeded.", {"Retry-After": str(settings.retry_after)}
        )
    if fault.kind == "timeout":
        # Stall past the client's patience; give up early only when the server stops.
        stopping = state.stopping or asyncio.Event()
        try:
            await asyncio.wait_for(stopping.wait(), timeout=settings.timeout_seconds)
        except TimeoutError:
            pass
        return errors.problem(504, "The upstream service did not answer in time.")
    return errors.problem(int(fault.kind), "An injected server error.")
