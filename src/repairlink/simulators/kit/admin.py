"""The back door under /_admin/: change upstream data, read counters, inject faults, see writes.

No auth: simulators listen on 127.0.0.1 only, and this is how tests play the agency's staff
working in the PMS while the hub syncs. Admin requests never meet injected faults, nor an
outage, and are not counted with the data requests. Record changes go to the simulator's
`RecordHooks`; a simulator adds admin routes of its own (summaries, what the hub wrote).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .clock import now_ms
from .errors import BadRequest, NotFound
from .faults import REQUEST_FAULTS
from .runtime import Runtime

S = TypeVar("S", bound=Runtime)
AdminHandler = Callable[[S, Request, dict[str, Any]], Any]
AdminRoute = tuple[str, str, AdminHandler[S]]  # (method, path under /_admin/, handler)


def _wrap(state: S, handler: AdminHandler[S]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        errors = state.errors
        body: dict[str, Any] = {}
        raw = await request.body()
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                return errors.problem(400, "The body must be JSON.")
            if not isinstance(parsed, dict):
                return errors.problem(400, "The body must be a JSON object.")
            body = parsed
        try:
            result = handler(state, request, body)
        except NotFound as error:
            return errors.problem(404, str(error))
        except (BadRequest, ValueError, TypeError) as error:
            return errors.problem(400, str(error))
        return result if isinstance(result, Response) else JSONResponse(result)

    return endpoint


def health(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    return state.health()


def stats(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    return state.stats()


def reset_stats(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    state.reset_stats()
    return state.stats()


def get_faults(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    return state.faults.snapshot()


def set_faults(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    """Partial update of the rates and seed; the fault sequence restarts from the seed."""
    state.faults.configure(state.faults.settings.updated(body))
    return state.faults.snapshot()


def fail_next(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    kind = str(body.get("kind", "503"))
    if kind not in REQUEST_FAULTS:
        raise ValueError(f"kind must be one of {', '.join(REQUEST_FAULTS)}")
    state.faults.arm(int(body.get("count", 1)), kind, str(body.get("path", "")))
    return state.faults.snapshot()


def expire_tokens(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    return {"expired": state.auth.expire_all()}


def writes(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    since = request.query_params.get("since") or "0"
    if not since.isdigit():
        raise ValueError("since must be a sequence number (0 for the whole log)")
    items = state.writes.since(int(since))
    last = items[-1]["seq"] if items else state.writes.last_seq
    return {"items": items, "last_seq": last}


def get_outage(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    return state.outage.snapshot()


def start_outage(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    state.outage.start(body)
    return state.outage.snapshot()


def stop_outage(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    state.outage.stop()
    return state.outage.snapshot()


def _record(request: Request) -> tuple[str, int]:
    return request.path_params["kind"], int(request.path_params["record_id"])


def get_record(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    return state.records.get(*_record(request))


def edit_record(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    return state.records.edit(*_record(request), body, now_ms())


def archive_record(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    return state.records.archive(*_record(request), now_ms())


def delete_record(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    state.records.delete(*_record(request))
    return Response(status_code=204)


def add_record(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    added = state.records.add(request.path_params["kind"], body, now_ms())
    return JSONResponse(added, status_code=201)


def churn(state: Runtime, request: Request, body: dict[str, Any]) -> Any:
    seed = body.get("seed")
    fraction = float(body.get("fraction", 0.01))
    if not 0.0 <= fraction <= 1.0:
        raise BadRequest("fraction must be between 0 and 1")
    changed = state.records.churn(fraction, None if seed is None else int(seed), now_ms())
    if state.render_ahead is not None:  # --prerender: the changes are rendered before answering
        state.render_ahead()
    return {"changed": changed, "counts": {kind: len(ids) for kind, ids in changed.items()}}


KIND = "{kind:str}"
RECORD = "{kind:str}/{record_id:int}"
GENERIC: tuple[AdminRoute[Runtime], ...] = (
    ("GET", "health", health),
    ("GET", "stats", stats),
    ("POST", "stats/reset", reset_stats),
    ("GET", "faults", get_faults),
    ("PUT", "faults", set_faults),
    ("POST", "faults/fail-next", fail_next),
    ("POST", "tokens/expire", expire_tokens),
    ("GET", "writes", writes),
    ("GET", "outage", get_outage),
    ("PUT", "outage", start_outage),
    ("DELETE", "outage", stop_outage),
    ("POST", "churn", churn),
)
# Last: `{kind}` would otherwise take the fixed paths above (and the simulator's own).
RECORDS: tuple[AdminRoute[Runtime], ...] = (
    ("POST", KIND, add_record),
    ("GET", RECORD, get_record),
    ("PATCH", RECORD, edit_record),
    ("DELETE", RECORD, delete_record),
    ("POST", RECORD + "/archive", archive_record),
)


def routes(state: S, own: Sequence[AdminRoute[S]] = ()) -> list[Route]:
    """The generic admin API, the simulator's `own` admin routes, then the record routes."""
    table: Iterable[AdminRoute[Any]] = (*GENERIC, *own, *RECORDS)
    return [
        Route(f"/_admin/{path}", _wrap(state, handler), methods=[method])
        for method, path, handler in table
    ]
