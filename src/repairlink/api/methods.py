"""405 for a method a route lacks (TRACE included), with `Allow`, even though the console is
mounted at "/" behind the API and would otherwise answer 404 for any path it does not know
(Starlette lets a full match of the mount win over the API route that matched the path only).
The API's paths and methods are read from its OpenAPI document, once."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from repairlink.api.problems import problem

Table = list[tuple[re.Pattern[str], frozenset[str]]]
_PARAM = re.compile(r"\{[^}/]+\}")


def _table(document: dict[str, Any]) -> Table:
    table: Table = []
    for path, operations in document.get("paths", {}).items():
        parts = _PARAM.split(path)
        pattern = "[^/]+".join(re.escape(part) for part in parts)
        methods = {m.upper() for m in operations if m.upper() != "PARAMETERS"}
        if "GET" in methods:
            methods.add("HEAD")
        table.append((re.compile(f"^{pattern}$"), frozenset(methods)))
    return table


class MethodNotAllowed:
    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app = app
        self.api = api
        self._routes: Table | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        allowed = self._allowed(scope) if scope["type"] == "http" else None
        if allowed:
            detail = f"{scope['method']} is not allowed here; allowed: {', '.join(allowed)}"
            response = problem(
                405, "http.method_not_allowed", detail, headers={"Allow": ", ".join(allowed)}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _allowed(self, scope: Scope) -> list[str] | None:
        """The methods of the API path that matches, when it does not take this method."""
        if self._routes is None:
            self._routes = _table(self.api.openapi())
        path, method = scope["path"], scope["method"]
        allowed: set[str] = set()
        for pattern, methods in self._routes:
            if pattern.match(path):
                if method in methods:
                    return None
                allowed |= methods
        return sorted(allowed) or None
