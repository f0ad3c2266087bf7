"""What `repairlink serve` runs: the JSON API under /api/v1 and the console at /."""

from __future__ import annotations

import socket

from fastapi import FastAPI

from repairlink.api.app import create_app
from repairlink.api.methods import MethodNotAllowed
from repairlink.bootstrap import App
from repairlink.web.app import create_console
from repairlink.web.refused import refusal_page


def create_server(app: App) -> FastAPI:
    # a refused console request is answered by a console page (the guard sits in the API)
    server = create_app(app, refusal_page=refusal_page)
    # a wrong method on an API path answers 405, not the console's 404
    server.add_middleware(MethodNotAllowed, api=server)
    # Mounted last: the API's routes (/api/v1, /docs, /health) match first.
    server.mount("/", create_console(app))
    return server


def listening(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A socket bound to host:port (port 0: one the OS picks as it binds) and listening, for
    uvicorn's `Server.run(sockets=...)`: bound before a slow start (the demo's syncs), so a
    taken port is said at once and requests that come early wait in the backlog."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, as uvicorn's own bind does: asyncio sets TCP_NODELAY only on such
    # sockets, and without it each answer waits ~40 ms for the client's delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port} ({exc.strerror}): is it taken?") from exc
    sock.listen(backlog)
    return sock
