"""The generic PMS declared to the simulator kit."""

from __future__ import annotations

from ..kit.declaration import Option, Simulator
from . import api
from .state import API_KEY, PlatformConfig, PlatformState

PLATFORM: Simulator[PlatformConfig, PlatformState] = Simulator(
    name="Platform",
    module="repairlink.simulators.platform",
    default_port=8105,
    config=PlatformConfig,
    state=PlatformState,
    endpoints=api.ENDPOINTS,
    options=(
        Option("--api-key", "api_key", API_KEY, "the x-api-key the PMS accepts"),
        Option("--recent", "recent", "0.3", "the share changed in the 72 hours before the start"),
    ),
)
