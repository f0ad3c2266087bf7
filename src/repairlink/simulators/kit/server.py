"""Running a simulator in a thread of this process, for tests and the demo:

    with serving(ALTO, SimConfig(units=200)) as (base_url, state):
        httpx.get(f"{base_url}/_admin/health")

The server binds 127.0.0.1 on a port the OS picks as it binds, so nothing can take it first,
and stops cleanly on leaving the block, waking any response stalled by a timeout fault.
`Running` is what a test holds: the URL, a ready client, the admin API.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
import uvicorn
from starlette.types import ASGIApp

from .declaration import Simulator
from .runtime import Config, Runtime

HOST = "127.0.0.1"
C = TypeVar("C", bound=Config)
S = TypeVar("S", bound=Runtime)


@dataclass
class Running(Generic[S]):
    base_url: str
    state: S  # for reading; change the simulator through the admin API (another thread)

    def client(self, timeout: float = 10.0) -> httpx.Client:
        """An httpx client that already carries the credentials the auth scheme wants."""
        headers = self.state.auth.client_headers(self.base_url)
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def admin(self, method: str, path: str, json: dict[str, Any] | None = None) -> Any:
        """Call the admin API (path relative to /_admin/) and return its JSON."""
        response = httpx.request(method, f"{self.base_url}/_admin/{path}", json=json)
        response.raise_for_status()
        return response.json() if response.content else None


def bound_port(server: uvicorn.Server) -> int:
    """The port a started server listens on (the OS's choice when it was asked for 0)."""
    return int(server.servers[0].sockets[0].getsockname()[1])


def server_config(app: ASGIApp, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=HOST,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        # A stalled response must not hold up a stop for long.
        timeout_graceful_shutdown=2,
    )


@contextmanager
def serving(
    simulator: Simulator[C, S], config: C, port: int | None = None
) -> Iterator[tuple[str, S]]:
    """Generate the data, serve it on `port` (None or 0: one the OS picks as it binds, so no
    other process can take it first) in a daemon thread, stop on exit."""
    state = simulator.state(config)
    server = uvicorn.Server(server_config(simulator.app(state), port or 0))
    thread = threading.Thread(target=server.run, name=f"{simulator.name.lower()}-sim", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        thread.join(0.01)
    if not server.started:
        raise OSError(f"the {simulator.name} simulator could not bind {HOST}:{port or 0}")
    chosen = bound_port(server)
    try:
        yield f"http://{HOST}:{chosen}", state
    finally:
        _wake_stalled(state)
        server.should_exit = True
        thread.join(10)


def _wake_stalled(state: Runtime) -> None:
    stopping, loop = state.stopping, state.loop
    if stopping is not None and loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(stopping.set)
