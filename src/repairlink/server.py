"""What `repairlink serve` runs: the JSON API under /api/v1 and the console at /."""

from __future__ import annotations

from fastapi import FastAPI

from repairlink.api.app import create_app
from repairlink.bootstrap import App
from repairlink.web.app import create_console


def create_server(app: App) -> FastAPI:
    server = create_app(app)
    # Mounted last: the API's routes (/api/v1, /docs, /health) match first.
    server.mount("/", create_console(app))
    return server
