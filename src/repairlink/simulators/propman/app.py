"""Propman as the kit serves it: its settings and state, its lists, its error bodies, its admin
routes, and a running one for tests and the demo.

No public Propman API exists; this is one a block-management PMS would plausibly expose
(research §5): JSON over HTTP, an `x-api-key` header, `offset`/`limit` paging up to 500 with the
total in the body (`{"total", "offset", "limit", "items"}`), a `modifiedSince`/`modifiedBefore`
window on every list, errors as `{"error": {"status", "message", "field"}}`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..kit.auth import api_key
from ..kit.declaration import Option, Simulator
from ..kit.errors import FieldError
from ..kit.faults import Breakage, FaultSettings
from ..kit.paging import DateFilters, OffsetBodyPaging, list_response
from ..kit.runtime import Config, Runtime
from ..kit.server import Running, serving
from . import served, writes
from .data import KINDS, PropmanData, build
from .records import PropmanRecords

DEFAULT_API_KEY = "propman-sim-key"
PAGING = OffsetBodyPaging(max_size=500, dates=DateFilters("modifiedSince", "modifiedBefore"))
# A malformed record loses its id, or these fields (whichever it has) get a wrong type
BREAKAGE = Breakage(
    id_keys=("id",),
    wrong_types={"address": "see file", "modifiedAt": 20240101, "units": "see file"},
)


class PropmanErrors:
    def problem(
        self, status: int, detail: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        body = {"error": {"status": status, "message": detail}}
        return JSONResponse(body, status_code=status, headers=dict(headers or {}))

    def field_problem(self, error: FieldError) -> Response:
        body = {"error": {"status": 400, "message": str(error), "field": error.field}}
        return JSONResponse(body, status_code=400)


@dataclass(frozen=True)
class PropmanConfig(Config):
    api_key: str = DEFAULT_API_KEY


class PropmanState(Runtime):
    def __init__(self, config: PropmanConfig) -> None:
        started = time.perf_counter()
        self.data: PropmanData = build(config.seed, config.units)
        super().__init__(
            "Propman",
            config,
            auth=api_key(config.api_key),
            records=PropmanRecords(self.data),
            rendered=self.data.rendered,
            identity={"api_key": config.api_key},
            breakage=BREAKAGE,
            errors=PropmanErrors(),
            write_facts=("repair_order_id", "status", "resource_id"),
            generated_seconds=time.perf_counter() - started,
        )
        self.config: PropmanConfig = config
        self.shapes = served.shapes(self.data)
        self.propman = writes.Writes(self.data, 90_000_000, 95_000_000)


def _lister(kind: str) -> Any:
    def listed(state: PropmanState, request: Request) -> Response:
        return list_response(state, request, PAGING, state.shapes[kind])

    return listed


def summary(state: PropmanState, request: Request, body: dict[str, Any]) -> Any:
    return {kind: state.data.tables[kind].alive_count for kind in KINDS}


def repair_orders(state: PropmanState, request: Request, body: dict[str, Any]) -> Any:
    return {"items": [order.json() for order in state.propman.orders.all()]}


def purchase_invoices(state: PropmanState, request: Request, body: dict[str, Any]) -> Any:
    return {"items": [invoice.json() for invoice in state.propman.invoices.all()]}


PROPMAN: Simulator[PropmanConfig, PropmanState] = Simulator(
    name="Propman",
    module="repairlink.simulators.propman",
    default_port=8102,
    config=PropmanConfig,
    state=PropmanState,
    endpoints=(*(("GET", f"/{kind}", _lister(kind)) for kind in KINDS), *writes.ENDPOINTS),
    admin=(
        ("GET", "summary", summary),
        ("GET", "repair-orders", repair_orders),
        ("GET", "purchase-invoices", purchase_invoices),
    ),
    prerender=lambda state: served.prerender(state.data),
    options=(Option("--api-key", "api_key", DEFAULT_API_KEY, "the x-api-key clients send"),),
)


@dataclass
class RunningPropman(Running[PropmanState]):
    @property
    def api_key(self) -> str:
        return self.state.config.api_key


@contextmanager
def running_propman(
    seed: int = 1,
    units: int = 100,
    *,
    max_page_size: int | None = None,
    faults: FaultSettings | None = None,
    api_key: str = DEFAULT_API_KEY,
    port: int | None = None,
) -> Iterator[RunningPropman]:
    """Generate the data, serve it on a free port in a daemon thread, stop on exit."""
    config = PropmanConfig(
        seed=seed,
        units=units,
        max_page_size=max_page_size,
        faults=faults or FaultSettings(),
        api_key=api_key,
    )
    with serving(PROPMAN, config, port) as (base_url, state):
        yield RunningPropman(base_url, state)
