"""The FastAPI application: every route under /api/v1, OpenAPI at /openapi.json, /docs and
/redoc."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from repairlink.api import docs, openapi_problems, problems
from repairlink.api.idempotency import Idempotency
from repairlink.api.routers import (
    agency,
    auth,
    issue_records,
    issues,
    outbound,
    people,
    places,
    sync,
    trails,
)
from repairlink.bootstrap import App
from repairlink.observe import http as observe_http

PREFIX = "/api/v1"
DESCRIPTION = """\
The Repairlink REST API.

* **Auth**: `Authorization: Bearer <token>`, with an API key (`rl_...`) or a token from
  `POST /api/v1/auth/login`.
* **Errors**: RFC 9457 `application/problem+json` with `code`, `field` and the SPEC `rule`.
* **Lists**: `{"items": [...], "next_cursor": ...}`; pass `cursor` (and `limit`, 1-500) for
  the next page; `next_cursor` is null on the last page.
* **Money**: in pence.
"""


def create_app(app: App) -> FastAPI:
    api = FastAPI(
        title="Repairlink",
        version="1",
        description=DESCRIPTION,
        docs_url=None,  # /docs and /redoc with assets of our own (api/docs.py)
        openapi_url="/openapi.json",
        redoc_url=None,
    )
    api.state.app = app
    problems.install(api)
    docs.install(api)
    api.add_middleware(Idempotency)  # a POST retried with its Idempotency-Key answers again
    observe_http.install(api, app)  # request ids and JSON lines, /metrics, /livez, /readyz

    @api.get("/health", tags=["health"], summary="Is the service up")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    v1 = APIRouter(prefix=PREFIX)
    for module in (auth, agency, places, people, issues, issue_records, trails, sync, outbound):
        v1.include_router(module.router)
    api.include_router(v1)
    openapi_problems.install(api)  # every operation's error answers, as problems
    return api
