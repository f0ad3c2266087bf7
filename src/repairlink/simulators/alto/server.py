"""Running the simulator: in the foreground for people, in a thread for tests.

    with running_alto(seed=1, units=200) as sim:
        httpx.post(f"{sim.base_url}/token", auth=sim.basic_auth, data={...})

The server binds 127.0.0.1 on a port the OS picks, so parallel test workers never collide,
and stops cleanly on leaving the block, waking any response stalled by a timeout fault.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from .app import build_app
from .faults import FaultSettings
from .state import (
    DEFAULT_AGENCY_REF,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SimConfig,
    SimState,
)

HOST = "127.0.0.1"


@dataclass
class RunningAlto:
    base_url: str
    state: SimState

    @property
    def client_id(self) -> str:
        return self.state.config.client_id

    @property
    def client_secret(self) -> str:
        return self.state.config.client_secret

    @property
    def agency_ref(self) -> str:
        return self.state.config.agency_ref

    @property
    def basic_auth(self) -> tuple[str, str]:
        return (self.client_id, self.client_secret)

    def token(self) -> str:
        response = httpx.post(
            f"{self.base_url}/token",
            auth=self.basic_auth,
            data={"grant_type": "client_credentials"},
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def client(self, timeout: float = 10.0) -> httpx.Client:
        """An httpx client that already carries a fresh token and the AgencyRef."""
        headers = {"Authorization": f"Bearer {self.token()}", "AgencyRef": self.agency_ref}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def admin(self, method: str, path: str, json: dict[str, Any] | None = None) -> Any:
        """Call the admin API (path relative to /_admin/) and return its JSON."""
        response = httpx.request(method, f"{self.base_url}/_admin/{path}", json=json)
        response.raise_for_status()
        return response.json() if response.content else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def server_config(state: SimState, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        build_app(state),
        host=HOST,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        # A stalled response must not hold up a stop for long.
        timeout_graceful_shutdown=2,
    )


@contextmanager
def running_alto(
    seed: int = 1,
    units: int = 200,
    *,
    max_page_size: int | None = None,
    faults: FaultSettings | None = None,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    agency_ref: str = DEFAULT_AGENCY_REF,
    port: int | None = None,
) -> Iterator[RunningAlto]:
    """Generate the data, serve it on a free port in a daemon thread, stop on exit."""
    config = SimConfig(
        seed=seed,
        units=units,
        max_page_size=max_page_size,
        faults=faults or FaultSettings(),
        client_id=client_id,
        client_secret=client_secret,
        agency_ref=agency_ref,
    )
    state = SimState(config)
    last_error: OSError | None = None
    # Another process may take the probed port before uvicorn binds it: try a few.
    chosen = port
    for _ in range(5 if chosen is None else 1):
        port = chosen or _free_port()
        server = uvicorn.Server(server_config(state, port))
        thread = threading.Thread(target=server.run, name=f"alto-sim-{port}", daemon=True)
        thread.start()
        while not server.started and thread.is_alive():
            thread.join(0.01)
        if server.started:
            break
        last_error = OSError(f"the simulator could not bind {HOST}:{port}")
    else:
        raise last_error or OSError("the simulator did not start")
    try:
        yield RunningAlto(base_url=f"http://{HOST}:{port}", state=state)
    finally:
        _wake_stalled(state)
        server.should_exit = True
        thread.join(10)


def _wake_stalled(state: SimState) -> None:
    stopping, loop = state.stopping, state.loop
    if stopping is not None and loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(stopping.set)
