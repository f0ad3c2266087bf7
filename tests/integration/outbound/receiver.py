"""A webhook receiver on 127.0.0.1, as a subscriber runs one: it keeps every request, answers
the status the test sets (per event type if asked), and de-duplicates by webhook-id."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    url: str = ""
    status: int = 200
    fail_when: Any = None  # a predicate on the parsed body: answer 500 when it holds
    extra_headers: dict[str, str] = field(default_factory=dict)
    hold_after: int | None = None  # with this many received, hold further requests...
    gate: threading.Event = field(default_factory=threading.Event)  # ...until this is set
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def unique(self) -> list[Received]:
        """Each event once, in the order first received (the receiver's de-duplication)."""
        seen: set[str] = set()
        kept = []
        with self.lock:
            for request in self.requests:
                if request.headers["webhook-id"] not in seen:
                    seen.add(request.headers["webhook-id"])
                    kept.append(request)
        return kept


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            if self.path != "/hooks":
                # not a webhook: another test's stale PMS connection whose port is this one
                # now (its recovery probe asking for a token, say)
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            held = receiver.hold_after is not None and len(receiver.requests) >= receiver.hold_after
            if held:
                receiver.gate.wait(60)
            got = Received({k.lower(): v for k, v in self.headers.items()}, body)
            status = receiver.status
            if status < 300 and receiver.fail_when is not None and receiver.fail_when(got.json):
                status = 500
            if status < 300:
                with receiver.lock:
                    receiver.requests.append(got)
            self.send_response(status)
            for name, value in receiver.extra_headers.items():
                self.send_header(name, value)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_port}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
