"""What a PMS simulator declares about itself, so the kit can serve, start and run it.

    ALTO = Simulator(
        name="Alto", module="repairlink.simulators.alto", default_port=8101,
        config=SimConfig, state=SimState, api=api_routes, admin=admin_routes,
        prerender=prerender_all, options=(Option("--agency-ref", "agency_ref", DEFAULT), ...),
    )

The state class extends `Runtime` and builds the data from the config; `api` gives the guarded
routes of the PMS's API; `admin` the simulator's own admin routes beside the kit's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from . import admin as admin_api
from .app import build_app
from .runtime import Config, Runtime

C = TypeVar("C", bound=Config)
S = TypeVar("S", bound=Runtime)


@dataclass(frozen=True)
class Option:
    """A command-line option of one simulator, filling one field of its config."""

    flag: str  # "--agency-ref"
    field: str  # "agency_ref"
    default: str
    help: str | None = None


def _none(state: Any) -> tuple[()]:
    return ()


@dataclass(frozen=True)
class Simulator(Generic[C, S]):
    name: str  # the PMS's name, as messages use it: "Alto"
    module: str  # what `python -m` runs: "repairlink.simulators.alto"
    default_port: int
    config: Callable[..., C]  # takes the `Config` fields and each option's field
    state: Callable[[C], S]
    api: Callable[[S], Sequence[BaseRoute]]
    admin: Callable[[S], Sequence[admin_api.AdminRoute[S]]] = field(default=_none)
    # Render ahead what a full sync reads (the --prerender flag); returns how many records.
    prerender: Callable[[S], int] | None = None
    options: tuple[Option, ...] = ()

    def app(self, state: S) -> Starlette:
        return build_app(state, self.api(state), admin_api.routes(state, self.admin(state)))
