"""Alto as the kit serves it: its API (reads and writes), its admin routes, its command line."""

from __future__ import annotations

from starlette.routing import BaseRoute

from ..kit import guard
from ..kit.declaration import Option, Simulator
from . import admin, api, served, write_api
from .state import DEFAULT_AGENCY_REF, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SimConfig, SimState


def _routes(state: SimState) -> list[BaseRoute]:
    return [*guard.routes(state, api.ENDPOINTS), *guard.routes(state, write_api.ENDPOINTS)]


ALTO: Simulator[SimConfig, SimState] = Simulator(
    name="Alto",
    module="repairlink.simulators.alto",
    default_port=8101,
    config=SimConfig,
    state=SimState,
    api=_routes,
    admin=admin.routes,
    prerender=lambda state: served.prerender(state.data),
    options=(
        Option("--client-id", "client_id", DEFAULT_CLIENT_ID),
        Option("--client-secret", "client_secret", DEFAULT_CLIENT_SECRET),
        Option("--agency-ref", "agency_ref", DEFAULT_AGENCY_REF),
    ),
)
