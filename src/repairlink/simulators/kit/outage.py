"""Outage mode: the PMS refuses every write for a while, reads keep working.

Set with `PUT /_admin/outage`, lifted with `DELETE /_admin/outage`. It sits in front of the
routes as ASGI middleware, so any write method on any path (known or not) gets the status,
before auth and before the body is read, and nothing is recorded: the hub must retry later.
The admin API and the auth scheme's own paths (a token endpoint) are exempt, so tests can
always lift it and clients can still log in.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from .runtime import Runtime

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class OutageSettings:
    status: int
    retry_after: int | None


class Outage:
    def __init__(self) -> None:
        self.settings: OutageSettings | None = None
        self.rejected = 0
        self._lock = threading.Lock()

    def start(self, body: dict[str, Any]) -> None:
        unknown = set(body) - {"status", "retry_after"}
        if unknown:
            raise ValueError(f"unknown outage settings: {sorted(unknown)}")
        status = body.get("status", 503)
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status, 400 to 599")
        retry_after = body.get("retry_after")
        if retry_after is not None and (
            isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0
        ):
            raise ValueError("retry_after must be a whole number of seconds, or null")
        with self._lock:
            self.settings = OutageSettings(status, retry_after)

    def stop(self) -> None:
        with self._lock:
            self.settings = None

    def snapshot(self) -> dict[str, Any]:
        settings = self.settings
        return {
            "active": settings is not None,
            "status": None if settings is None else settings.status,
            "retry_after": None if settings is None else settings.retry_after,
            "rejected": self.rejected,
        }


class OutageMiddleware:
    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = self.runtime
        settings = runtime.outage.settings
        if (
            settings is None
            or scope["type"] != "http"
            or scope["method"] not in WRITE_METHODS
            or _exempt(scope["path"], runtime.auth.exempt)
        ):
            await self.app(scope, receive, send)
            return
        headers = {} if settings.retry_after is None else {"Retry-After": str(settings.retry_after)}
        detail = f"{runtime.name} is unavailable (simulated outage)."
        response = runtime.errors.problem(settings.status, detail, headers)
        runtime.outage.rejected += 1
        runtime.count("outage", settings.status)
        await response(scope, receive, send)


def _exempt(path: str, auth_paths: frozenset[str]) -> bool:
    return path in auth_paths or path == "/_admin" or path.startswith("/_admin/")
