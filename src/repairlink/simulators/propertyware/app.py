"""Propertyware as the kit serves it: its API (reads and writes), its command line."""

from __future__ import annotations

from ..kit.declaration import Option, Simulator
from . import api, render, writes
from .state import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SYSTEM_ID, SimConfig, SimState

PROPERTYWARE: Simulator[SimConfig, SimState] = Simulator(
    name="Propertyware",
    module="repairlink.simulators.propertyware",
    default_port=8103,
    config=SimConfig,
    state=SimState,
    endpoints=(*api.ENDPOINTS, *writes.ENDPOINTS),
    prerender=lambda state: render.prerender(state.data),
    options=(
        Option("--client-id", "client_id", DEFAULT_CLIENT_ID),
        Option("--client-secret", "client_secret", DEFAULT_CLIENT_SECRET),
        Option("--system-id", "system_id", DEFAULT_SYSTEM_ID),
        Option("--leased", "leased", "0.85", "the share of units with a lease"),
        Option("--residents-per-lease", "residents_per_lease", "1.4", "1 to 2, on average"),
    ),
)
