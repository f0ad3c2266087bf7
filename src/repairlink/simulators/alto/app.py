"""Alto as the kit serves it: its API (reads and writes), its admin routes, its command line."""

from __future__ import annotations

from ..kit.declaration import Option, Simulator
from . import admin, api, served, write_api
from .state import DEFAULT_AGENCY_REF, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SimConfig, SimState

ALTO: Simulator[SimConfig, SimState] = Simulator(
    name="Alto",
    module="repairlink.simulators.alto",
    default_port=8101,
    config=SimConfig,
    state=SimState,
    endpoints=(*api.ENDPOINTS, *write_api.ENDPOINTS),
    admin=admin.ROUTES,
    prerender=lambda state: served.prerender(state.data),
    options=(
        Option("--client-id", "client_id", DEFAULT_CLIENT_ID),
        Option("--client-secret", "client_secret", DEFAULT_CLIENT_SECRET),
        Option("--agency-ref", "agency_ref", DEFAULT_AGENCY_REF),
    ),
)
