"""The bridge bench's floor, measured in the same run, served by the same process, on the same
database: the same requests answered bare.

- pushes: the same pages read from the PMS by the same client and posted over HTTP to a bare
  endpoint that parses the body and inserts its items raw (one JSON row each, `executemany`);
- commands: the same poll and acknowledgement requests, answered by a bare endpoint: a poll
  leases the connection's due deliveries from the ledger (`ledger.claim`) and answers them as
  they are, waiting up to `wait_s` for one as the bridge's long poll does (woken by the same
  commits); an acknowledgement marks its delivery delivered (one UPDATE).

Blocking work runs in the server's thread pool, as FastAPI runs the bridge's own endpoints.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import orjson
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from repairlink.bootstrap import App
from repairlink.jobs.bridge import poll_waker
from repairlink.outbound import ledger
from repairlink.store.outbound_tables import deliveries

TABLE = "bench_floor_items"


def _json(value: Any) -> Response:
    return Response(orjson.dumps(value), media_type="application/json")


def floor_app(app: App, connection_id: int) -> Starlette:
    with app.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
        conn.exec_driver_sql(f"CREATE TABLE {TABLE} (stream TEXT, item TEXT)")

    def pages(request: Request, body: bytes) -> Response:
        parsed = orjson.loads(body)
        stream = str(request.query_params.get("stream") or parsed.get("stream", ""))
        rows = [(stream, orjson.dumps(item).decode()) for item in parsed["items"]]
        with app.engine.begin() as conn:
            conn.exec_driver_sql(f"INSERT INTO {TABLE} VALUES (?, ?)", rows)
        return _json({"counts": {"raw": {"created": len(rows)}}})

    waker = poll_waker(app)

    def poll(wait_s: float) -> Response:
        deadline = time.monotonic() + wait_s
        while True:
            seen = waker.generation
            items = claim()
            left = deadline - time.monotonic()
            if items or left <= 0:
                return _json({"items": items, "next_cursor": None})
            waker.wait(seen, left)

    def claim() -> list[dict[str, Any]]:
        with app.engine.begin() as conn:
            claimed = ledger.claim(
                conn,
                worker="floor",
                now=ledger.utcnow(),
                lease=timedelta(seconds=60),
                limit=100,
                target=connection_id,
            )
        return [
            {"id": c.delivery["id"], "body": {"issue_id": c.delivery["aggregate_id"]}}
            for c in claimed
        ]

    def ack(delivery_id: int) -> Response:
        with app.engine.begin() as conn:
            conn.execute(
                sa.update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(state="delivered", leased_until=None, finished_at=ledger.utcnow())
            )
        return _json({"state": "delivered", "next": None})

    async def route(request: Request) -> Response:
        body = await request.body()
        kind = request.path_params["what"]
        if kind == "poll":
            wait_s = float(request.query_params.get("wait_s", 0))
            return await run_in_threadpool(poll, wait_s)
        if kind == "ack":
            return await run_in_threadpool(ack, int(request.path_params["id"]))
        return await run_in_threadpool(pages, request, body)

    return Starlette(
        routes=[
            Route("/{what:str}", route, methods=["POST"]),
            Route("/commands/{id:int}/{what:str}", route, methods=["POST"]),
        ]
    )
