"""What a PMS simulator declares about itself, so the kit can serve, start and run it.

    ALTO = Simulator(
        name="Alto", module="repairlink.simulators.alto", default_port=8101,
        config=SimConfig, state=SimState,
        endpoints=(*api.ENDPOINTS, *write_api.ENDPOINTS),  # (method, path, handler)
        admin=admin.ROUTES,  # its own admin routes, beside the kit's
        prerender=lambda state: served.prerender(state.data),
        options=(Option("--agency-ref", "agency_ref", DEFAULT_AGENCY_REF), ...),
    )

The config extends `Config` (every field with a default); the state class extends `Runtime`
and builds the data from the config. Every endpoint is guarded (`guard`): counted,
authenticated and open to injected faults.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.applications import Starlette

from . import admin as admin_api
from . import guard
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


@dataclass(frozen=True)
class Simulator(Generic[C, S]):
    name: str  # the PMS's name, as messages use it: "Alto"
    module: str  # what `python -m` runs: "repairlink.simulators.alto"
    default_port: int
    config: Callable[..., C]  # takes the `Config` fields and each option's field
    state: Callable[[C], S]
    endpoints: Sequence[tuple[str, str, guard.Handler[S]]]
    admin: Sequence[admin_api.AdminRoute[S]] = ()
    # Render ahead what a full sync reads (the --prerender flag); returns how many records.
    prerender: Callable[[S], int] | None = None
    options: tuple[Option, ...] = ()

    def keep_rendered(self, state: S) -> int:
        """Render what a full sync reads now, and again after each churn (--prerender);
        answers how many records."""
        prerender = self.prerender
        if prerender is None:
            return 0
        state.render_ahead = lambda: prerender(state)
        return state.render_ahead()

    def app(self, state: S) -> Starlette:
        api = guard.routes(state, self.endpoints)
        return build_app(state, api, admin_api.routes(state, self.admin))
