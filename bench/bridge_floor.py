"""The bridge bench's floor, measured in the same run, in the same process, on the same
database: the same requests answered bare.

- pushes: the same pages read from the PMS by the same client and posted over HTTP to a bare
  endpoint that parses the body and inserts its items raw (one JSON row each, `executemany`);
- commands: the same poll and acknowledgement requests, answered by a bare endpoint: a poll
  leases the connection's due deliveries from the ledger (`ledger.claim`) and answers them as
  they are; an acknowledgement marks its delivery delivered (one UPDATE).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from repairlink.bootstrap import App
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

    def poll() -> Response:
        with app.engine.begin() as conn:
            claimed = ledger.claim(
                conn,
                worker="floor",
                now=ledger.utcnow(),
                lease=timedelta(seconds=60),
                limit=100,
                target=connection_id,
            )
        items = [
            {"id": c.delivery["id"], "body": {"issue_id": c.delivery["aggregate_id"]}}
            for c in claimed
        ]
        return _json({"items": items, "next_cursor": None})

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
            return poll()
        if kind == "ack":
            return ack(int(request.path_params["id"]))
        return pages(request, body)

    return Starlette(
        routes=[
            Route("/{what:str}", route, methods=["POST"]),
            Route("/commands/{id:int}/{what:str}", route, methods=["POST"]),
        ]
    )
