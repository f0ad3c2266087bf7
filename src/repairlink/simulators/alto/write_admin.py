"""The admin API of the write side: what reached "Alto", in what order, and outage mode.

GET /_admin/work-orders          every works order, its documents and status history
GET /_admin/charges              every charge, its fields as posted, its document
GET /_admin/writes?since=<seq>   the log of accepted writes after seq
GET|PUT|DELETE /_admin/outage    refuse every write with a status until lifted
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from .admin import AdminHandler
from .admin import _wrap as wrap
from .state import SimState


def work_orders(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    return {"items": state.work_orders.snapshot()}


def charges(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    return {"items": state.charges.snapshot()}


def writes(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    since = request.query_params.get("since") or "0"
    if not since.isdigit():
        raise ValueError("since must be a sequence number (0 for the whole log)")
    items = state.writes.since(int(since))
    last = items[-1]["seq"] if items else state.writes.last_seq
    return {"items": items, "last_seq": last}


def get_outage(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    return state.outage.snapshot()


def start_outage(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    state.outage.start(body)
    return state.outage.snapshot()


def stop_outage(state: SimState, request: Request, body: dict[str, Any]) -> Any:
    state.outage.stop()
    return state.outage.snapshot()


ADMIN_ROUTES: tuple[tuple[str, str, AdminHandler], ...] = (
    ("/_admin/work-orders", "GET", work_orders),
    ("/_admin/charges", "GET", charges),
    ("/_admin/writes", "GET", writes),
    ("/_admin/outage", "GET", get_outage),
    ("/_admin/outage", "PUT", start_outage),
    ("/_admin/outage", "DELETE", stop_outage),
)


def routes(state: SimState) -> list[Route]:
    return [
        Route(path, wrap(state, handler), methods=[method])
        for path, method, handler in ADMIN_ROUTES
    ]
