"""Benchmark: the CPU one PMS request costs the hub's client, against a bare httpx client (the
floor) posting the same JSON to the same local server, alternating, in this one process.

    uv run python -m bench.http_client_cpu [--requests 3000] [--runs 6]

The hub's client (`egress.transport.guarded_client`: every address checked, no redirects, no
cookies kept) is on every delivery's path; a delivery's CPU is mostly this request
(bench/change_cpu.py). The server is a plain `http.server` in a process of its own, so only
the client's CPU is counted (`time.process_time`). Prints `name: value` lines, a pair a run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import httpx

from repairlink.egress import guard
from repairlink.egress.transport import guarded_client

# The server: keep-alive, one write an answer, no Nagle delay (each request would wait 40 ms)
SERVER = """
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = b'{"id": 1}'
        self.send_response(201)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
print(server.server_port, flush=True)
server.serve_forever()
"""
WARM_UP = 200  # requests before the clock starts: the connection made, the caches filled
BODY = {"propertyId": "P1", "description": "Leaking tap", "priority": "normal"}


def cpu_ms_a_request(client: httpx.Client, url: str, count: int) -> float:
    for _ in range(WARM_UP):
        client.post(url, json=BODY)
    started = time.process_time()
    for _ in range(count):
        client.post(url, json=BODY, headers={"Authorization": "Bearer token"})
    return (time.process_time() - started) * 1000 / count


def clients() -> dict[str, Callable[[], httpx.Client]]:
    loopback = guard.Policy(allow_loopback=True)
    return {
        "floor_httpx": lambda: httpx.Client(timeout=5),
        "hub": lambda: guarded_client(5, loopback),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/work-orders"
        figures: dict[str, list[float]] = {name: [] for name in clients()}
        for run in range(1, args.runs + 1):
            for name, make in clients().items():
                with make() as client:
                    figure = cpu_ms_a_request(client, url, args.requests)
                figures[name].append(figure)
                print(f"run_{run}_{name}_cpu_ms_a_request: {figure:.3f}", flush=True)
        for name, values in figures.items():
            print(f"{name}_cpu_ms_a_request_median: {statistics.median(values):.3f}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
