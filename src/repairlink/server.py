"""What `repairlink serve` runs: the JSON API under /api/v1 and the console at /."""

from __future__ import annotations

from fastapi import FastAPI

from repairlink.api.app import create_app
from repairlink.api.methods import MethodNotAllowed
from repairlink.bootstrap import App
from repairlink.web.app import create_console


def create_server(app: App) -> FastAPI:
    server = create_app(app)
    # a wrong method on an API path answers 405, not the console's 404
    server.add_middleware(MethodNotAllowed, api=server)
    # Mounted last: the API's routes (/api/v1, /docs, /health) match first.
    server.mount("/", create_console(app))
    return server
