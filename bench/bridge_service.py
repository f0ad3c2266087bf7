"""The hub's side of bench/bridge.py, in its own process, as `repairlink serve` runs it: the
API (uvicorn) and the bench's bare floor endpoints, and the issue changes, each made here as
the console's request would make it (so its commit wakes a long poll waiting in this
process). The bench's client, poller and pacing stay in the bench's process: it writes
one unit id a line (an issue reported there), on its beat, and `quit` at the end.

    python -m bench.bridge_service --database-url URL --files DIR --agency 1 --connection 1
"""

from __future__ import annotations

import argparse
import socket
import threading
from pathlib import Path

import uvicorn

from bench.bridge_floor import floor_app
from bench.piped import Piped, serve_commands
from repairlink.bootstrap import build
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.server import create_server
from repairlink.services import issues
from repairlink.services.auth import Principal
from repairlink.settings import Settings


class Hub(Piped):
    """bench/bridge_service.py in its own process; its two addresses once it is serving."""

    def __init__(self, url: str, files: Path, agency_id: int, connection_id: int):
        args = ["--database-url", url, "--files", str(files), "--agency", str(agency_id)]
        super().__init__("bench.bridge_service", [*args, "--connection", str(connection_id)])
        if len(self.said) != 2:
            raise SystemExit("the hub's process did not say its addresses")
        self.base_url, self.floor_url = self.said

    def report(self, unit_id: int) -> None:
        self.send(str(unit_id))


def _serve(asgi: object) -> tuple[str, uvicorn.Server]:
    # IPPROTO_TCP named, as uvicorn's own bind does: asyncio sets TCP_NODELAY only on such
    # sockets, and without it each answer's body waited ~40 ms for a delayed ACK
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(asgi, log_level="warning", access_log=False)  # type: ignore[arg-type]
    )
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--agency", type=int, required=True)
    parser.add_argument("--connection", type=int, required=True)
    args = parser.parse_args()
    app = build(Settings(database_url=args.database_url, files_dir=args.files))
    boss = Principal(args.agency, Role.ADMIN, None, Actor.system("bench"))
    base_url, server = _serve(create_server(app))
    floor_url, floor_server = _serve(floor_app(app, args.connection))

    def report(unit_id: int) -> None:
        issues.report(
            app.uow(boss.actor, args.agency),
            boss,
            title=f"Bench {unit_id}",
            description="",
            category="",
            priority="normal",
            unit_id=unit_id,
            reporter_occupier_id=None,
        )

    while not (server.started and floor_server.started):
        threading.Event().wait(0.05)
    serve_commands(f"ready {base_url} {floor_url}", lambda line: report(int(line)))
    for each in (server, floor_server):
        each.should_exit = True
    app.close()


if __name__ == "__main__":
    main()
