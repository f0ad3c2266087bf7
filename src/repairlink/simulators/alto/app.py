"""The ASGI app: /token, Alto's data endpoints and the /_admin/ back door, over one state."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import admin, api, write_admin, write_api
from .auth import AuthError
from .outage import OutageMiddleware
from .state import SimConfig, SimState


def build_app(state: SimState) -> Starlette:
    async def token(request: Request) -> Response:
        try:
            body = state.authority.issue(request.headers.get("authorization"), await request.body())
        except AuthError as error:
            state.count("POST /token", error.status)
            return JSONResponse({"error": error.title}, status_code=error.status)
        state.count("POST /token", 200)
        return JSONResponse(body)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The event must belong to the server's loop; `running_alto` sets it to stop stalls.
        state.stopping = asyncio.Event()
        state.loop = asyncio.get_running_loop()
        yield

    return Starlette(
        routes=[
            Route("/token", token, methods=["POST"]),
            *api.routes(state),
            *write_api.routes(state),
            *write_admin.routes(state),
            *admin.routes(state),
        ],
        middleware=[Middleware(OutageMiddleware, state=state)],
        lifespan=lifespan,
    )


def create_app(config: SimConfig | None = None) -> Starlette:
    return build_app(SimState(config or SimConfig()))
