"""Running Alto in a thread for tests and the demo:

with running_alto(seed=1, units=200) as sim:
    httpx.post(f"{sim.base_url}/token", auth=sim.basic_auth, data={...})
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..kit.faults import FaultSettings
from ..kit.server import Running, serving
from .app import ALTO
from .state import DEFAULT_AGENCY_REF, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SimConfig, SimState


@dataclass
class RunningAlto(Running[SimState]):
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
        return self.state.oauth.fetch_token(self.base_url)


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
    with serving(ALTO, config, port) as (base_url, state):
        yield RunningAlto(base_url, state)
