"""The web service's side of operations: a request id and a JSON line for every request, the
requests' metrics, and /metrics, /livez and /readyz (docs/operations.md)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from repairlink.bootstrap import App
from repairlink.observe import logs
from repairlink.observe.health import not_ready
from repairlink.observe.metrics import DatabaseCollector, RequestMetrics

log = logging.getLogger("repairlink.http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestLog:
    """Binds `request_id` (the caller's X-Request-ID when it is a safe token, else a new one)
    for every log line the request causes, sends it back, counts the request by its route's
    template, and logs one line when it is answered (with `agency_id` once authenticated)."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        with logs.bound(request_id=request_id):
            try:
                await self.app(scope, receive, sending)
            finally:
                self._done(scope, status, time.perf_counter() - started)

    def _done(self, scope: Scope, status: int, seconds: float) -> None:
        route = _template(scope)
        self.metrics.observe(scope["method"], route, status, seconds)
        state: dict[str, Any] = scope.get("state") or {}
        fields = {
            "method": scope["method"],
            "path": scope["path"],
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "agency_id": state.get("agency_id"),
        }
        log.info("request", extra=fields)


def _template(scope: Scope) -> str:
    """The matched route's path template with the prefixes it was included under (metrics
    are labelled by it, not by the path: ids would make a series each)."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    pattern = getattr(route, "path_regex", None)
    if template is None or pattern is None:
        return "unmatched"
    path: str = scope["path"]
    for at in [n for n, char in enumerate(path) if char == "/"]:
        if pattern.match(path[at:]):
            return path[:at] + str(template)
    return str(template)


def install(api: FastAPI, app: App) -> None:
    registry = CollectorRegistry()
    registry.register(DatabaseCollector(app.engine))
    api.add_middleware(RequestLog, metrics=RequestMetrics(registry))

    @api.get("/metrics", tags=["health"], summary="Prometheus metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @api.get("/livez", tags=["health"], summary="Is the process alive")
    def livez() -> dict[str, str]:
        return {"status": "ok"}

    @api.get(
        "/readyz",
        tags=["health"],
        summary="Can it serve: the database and the file store answer",
        responses={503: {"description": "Not ready: what cannot be reached"}},
    )
    def readyz(request: Request) -> Response:
        running: App = request.app.state.app
        problems = not_ready(running.engine, running.files)
        if problems:
            return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ok"})
