"""The FastAPI application: every route under /api/v1, OpenAPI at /openapi.json, /docs and
/redoc."""

from __future__ import annotations

from fastapi import FastAPI

from repairlink.api import docs, openapi_problems, problems
from repairlink.api.idempotency import Idempotency
from repairlink.api.request_guard import Limits, RefusalPage, RequestGuard
from repairlink.api.routers import (
    agency,
    auth,
    bridge,
    issue_records,
    issues,
    outbound,
    people,
    people_import,
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
* **Money**: in pence; net, VAT and gross at most 1,000,000,000 each.
"""


TAGS = (
    "health",
    "auth",
    "agency",
    "places",
    "people",
    "issues",
    "references and audit",
    "sync",
    "outbound",
    "bridge",
)


def create_app(app: App, refusal_page: RefusalPage | None = None) -> FastAPI:
    """`refusal_page` answers a console request the guard refuses (repairlink.server)."""
    api = FastAPI(
        title="Repairlink",
        version="1",
        description=DESCRIPTION,
        docs_url=None,  # /docs and /redoc with assets of our own (api/docs.py)
        openapi_url="/openapi.json",
        redoc_url=None,
        openapi_tags=[{"name": tag} for tag in TAGS],  # the reference's order, not the routes'
    )
    api.state.app = app
    # (the last added runs first: the request guard before anything reads a body)
    api.add_middleware(Idempotency)  # a POST retried with its Idempotency-Key answers again
    # sizes and characters checked before parsing and authentication (the console too)
    limits = Limits(
        app.settings.max_json_bytes, app.settings.max_upload_bytes, app.settings.max_request_bytes
    )
    api.add_middleware(RequestGuard, limits=limits, refusal_page=refusal_page)
    problems.install(api)
    docs.install(api)
    observe_http.install(api, app)  # request ids and JSON lines, /metrics, /livez, /readyz

    @api.get("/health", tags=["health"], summary="Is the service up")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    # The bridge first: its client polls and acknowledges many times a second, and a request
    # is matched against the routes in order (the bridge last cost each poll a millisecond).
    # Each router straight onto the app, not through one /api/v1 router: FastAPI works out
    # every route of a router included with routes of its own again (0.2 s an app).
    for module in (
        bridge,
        auth,
        agency,
        places,
        people_import,
        people,
        issues,
        issue_records,
        trails,
        sync,
        outbound,
    ):
        api.include_router(module.router, prefix=PREFIX)
    openapi_problems.install(api)  # every operation's error answers, as problems
    return api
