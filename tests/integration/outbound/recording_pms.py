"""A PMS that keeps what it is sent: a tiny HTTP API (Starlette, served by uvicorn on
127.0.0.1, on a port the OS picks) standing in for a PMS that numbers its own work orders,
assigns them to a user, takes documents and purchase invoices. It lists a few properties and
suppliers, so that a sync links the agency's units and contractors to it, and records every
request so that tests assert what reached it."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from repairlink.server import listening

INTEGRATION_USER = "repairlink"


@dataclass
class Recorded:
    method: str
    path: str
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # field -> (name, bytes)


@dataclass
class RecordingPms:
    url: str = ""
    properties: list[dict[str, str]] = field(default_factory=list)
    suppliers: list[dict[str, Any]] = field(default_factory=list)
    requests_raised: list[dict[str, Any]] = field(default_factory=list)  # work orders made there
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def writes(self) -> list[Recorded]:
        """What the hub sent that changes something here, in the order received."""
        with self.lock:
            return [r for r in self.requests if r.method != "GET"]

    def reads(self, path_start: str = "/work-orders") -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.method == "GET" and r.path.startswith(path_start)]

    def reassign(self, order_id: str, user: str) -> None:
        """Someone in the PMS gives the work order to another user."""
        with self.lock:
            self.orders[order_id]["assignedTo"] = user

    # -- the API ------------------------------------------------------------------------

    async def record(self, request: Request) -> Recorded:
        got = Recorded(request.method, request.url.path)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            async with request.form() as form:
                for name, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        got.files[name] = (value.filename or "", await value.read())
                    else:
                        got.form[name] = value
        elif request.method in ("POST", "PATCH"):
            got.json = await request.json()
        with self.lock:
            self.requests.append(got)
        return got

    async def listing(self, request: Request) -> Response:
        await self.record(request)
        lists = {"/properties": self.properties, "/requests": self.requests_raised}
        with self.lock:
            items = list(lists.get(request.url.path, self.suppliers))
        return JSONResponse({"items": items})

    async def work_orders(self, request: Request) -> Response:
        got = await self.record(request)
        if request.method == "GET":  # find by the marker the hub gave it
            marker = request.query_params.get("marker")
            with self.lock:
                found = [o for o in self.orders.values() if o["marker"] == marker]
            return JSONResponse({"items": found})
        n = next(self.ids)
        order = {**got.json, "id": f"wo-{n}", "number": f"WO-{7000 + n}", "documents": []}
        with self.lock:
            self.orders[order["id"]] = order
        return JSONResponse({"id": order["id"], "number": order["number"]}, status_code=201)

    async def work_order(self, request: Request) -> Response:
        got = await self.record(request)
        with self.lock:
            order = self.orders.get(request.path_params["id"])
            if order is None:
                return JSONResponse({"error": "no such work order"}, status_code=404)
            if request.method == "PATCH":
                order.update(got.json)
            return JSONResponse(order)

    async def documents(self, request: Request) -> Response:
        got = await self.record(request)
        with self.lock:
            self.orders[request.path_params["id"]]["documents"].append(got.files["file"][0])
        return JSONResponse({"id": f"doc-{next(self.ids)}"}, status_code=201)

    async def purchase_invoices(self, request: Request) -> Response:
        await self.record(request)
        return JSONResponse({"id": f"pi-{next(self.ids)}"}, status_code=201)


def _app(pms: RecordingPms) -> Starlette:
    return Starlette(
        routes=[
            Route("/properties", pms.listing),
            Route("/suppliers", pms.listing),
            Route("/requests", pms.listing),
            Route("/work-orders", pms.work_orders, methods=["GET", "POST"]),
            Route("/work-orders/{id}", pms.work_order, methods=["GET", "PATCH"]),
            Route("/work-orders/{id}/documents", pms.documents, methods=["POST"]),
            Route("/purchase-invoices", pms.purchase_invoices, methods=["POST"]),
        ]
    )


@contextmanager
def running_pms() -> Iterator[RecordingPms]:
    pms = RecordingPms(
        properties=[
            {"id": "P-1", "line1": "1 Mill Lane", "town": "Leeds", "postcode": "LS1 4AP"},
            {"id": "P-2", "line1": "2 Mill Lane", "town": "Leeds", "postcode": "LS1 4AP"},
        ],
        suppliers=[{"id": "S-1", "company": "Pipes and Co", "email": "jobs@pipes.example"}],
    )
    # Bound and listening before the server starts: the first request waits in the backlog
    sock = listening("127.0.0.1", 0, backlog=16)
    pms.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(
        _app(pms), log_level="warning", access_log=False, timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield pms
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
