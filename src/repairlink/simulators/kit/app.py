"""The ASGI app of one simulator: its auth scheme's routes, its API, the admin back door, and
the outage middleware in front of them all, over one state."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from .outage import OutageMiddleware
from .runtime import Runtime


def build_app(state: Runtime, api: Sequence[BaseRoute], admin: Sequence[BaseRoute]) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The event must belong to the server's loop; stopping the server sets it, which
        # ends any response a "timeout" fault is stalling.
        state.stopping = asyncio.Event()
        state.loop = asyncio.get_running_loop()
        yield

    return Starlette(
        routes=[*state.auth.routes(state.count), *api, *admin],
        middleware=[Middleware(OutageMiddleware, runtime=state)],
        lifespan=lifespan,
    )
