"""Running Propertyware in a thread for tests and the demo:

with running_propertyware(seed=1, units=60) as sim:
    sim.client().get("/units", params={"offset": 0, "limit": 100})
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..kit.faults import FaultSettings
from ..kit.server import Running, serving
from .app import PROPERTYWARE
from .content import ACCOUNT_EMAIL, INTEGRATION_USER
from .state import SimConfig, SimState


@dataclass
class RunningPropertyware(Running[SimState]):
    @property
    def client_id(self) -> str:
        return self.state.config.client_id

    @property
    def client_secret(self) -> str:
        return self.state.config.client_secret

    @property
    def system_id(self) -> str:
        return self.state.config.system_id

    integration_user = INTEGRATION_USER
    account_email = ACCOUNT_EMAIL

    def portfolio_id(self, number: int = 1) -> int:
        """The id of the account's first (or `number`th) portfolio."""
        return self.state.data.portfolios.id_of(number - 1)


@contextmanager
def running_propertyware(
    seed: int = 1,
    units: int = 60,
    *,
    max_page_size: int | None = None,
    faults: FaultSettings | None = None,
    port: int | None = None,
) -> Iterator[RunningPropertyware]:
    """Generate the data, serve it on a free port in a daemon thread, stop on exit."""
    config = SimConfig(
        seed=seed, units=units, max_page_size=max_page_size, faults=faults or FaultSettings()
    )
    with serving(PROPERTYWARE, config, port) as (base_url, state):
        yield RunningPropertyware(base_url, state)
