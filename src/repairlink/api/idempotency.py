"""`Idempotency-Key` on the API's POSTs (issue 14, item 7; docs/api.md), as Stripe does it: the
first answer to a key is kept (a day) with a fingerprint of the request, and a retry with the
same key and the same request gets that answer again (`Idempotent-Replayed: true`) instead of
creating twice; the same key with a different request is refused (422), and one that arrives
while the first is still being answered waits its turn (409, Retry-After). Keys belong to the
caller's credentials, so two callers never meet. Server errors (5xx) are not kept: a retry runs
again. Login is left out: its answer is a token, and tokens are not kept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from repairlink.api.problems import problem
from repairlink.store.db import reading
from repairlink.store.idempotency_tables import idempotency_keys

HEADER = "Idempotency-Key"
KEPT = timedelta(hours=24)
# A claim with no answer this old was a request whose process died (no request runs this long):
# a retry is answered afresh rather than told to wait for the rest of the key's day.
ABANDONED = timedelta(minutes=10)
KEPT_HEADERS = ("content-type", "location")
EXEMPT = ("/api/v1/auth/",)


@dataclass(frozen=True)
class Found:
    verdict: str  # new | replay | mismatch | in_progress
    status: int | None = None
    headers: dict[str, str] | None = None
    body: bytes = b""


def _claim(engine: sa.Engine, caller: str, key: str, fingerprint: str) -> Found:
    k = idempotency_keys.c
    now = datetime.now(UTC)
    with engine.begin() as conn:
        abandoned = sa.and_(k.status_code.is_(None), k.created_at < now - ABANDONED)
        conn.execute(
            sa.delete(idempotency_keys).where(sa.or_(k.created_at < now - KEPT, abandoned))
        )
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(idempotency_keys).values(
                    caller=caller, key=key, fingerprint=fingerprint, created_at=now
                )
            )
        return Found("new")
    except sa.exc.IntegrityError:
        pass
    with reading(engine) as conn:
        row = conn.execute(
            sa.select(k.fingerprint, k.status_code, k.headers, k.body).where(
                k.caller == caller, k.key == key
            )
        ).one_or_none()
    if row is None:  # it expired between the two statements: the client may retry
        return Found("in_progress")
    if row.fingerprint != fingerprint:
        return Found("mismatch")
    if row.status_code is None:
        return Found("in_progress")
    return Found("replay", row.status_code, dict(row.headers or {}), bytes(row.body or b""))


def _keep(engine: sa.Engine, caller: str, key: str, status: int, headers: Any, body: bytes) -> None:
    k = idempotency_keys.c
    where = sa.and_(k.caller == caller, k.key == key)
    with engine.begin() as conn:
        if status >= 500:
            conn.execute(sa.delete(idempotency_keys).where(where))
        else:
            conn.execute(
                sa.update(idempotency_keys)
                .where(where)
                .values(status_code=status, headers=headers, body=body)
            )


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]
    }


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class Idempotency:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope) if scope["type"] == "http" else {}
        key = headers.get(HEADER.lower())
        path = scope.get("path", "")
        if (
            key is None
            or scope["method"] != "POST"
            or not path.startswith("/api/v1/")
            or path.startswith(EXEMPT)
        ):
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
            refused = problem(
                422,
                "idempotency.key_invalid",
                "Idempotency-Key must be 1 to 255 printable ASCII characters",
                field=HEADER,
            )
            await refused(scope, receive, send)
            return
        body = await _read_body(receive)
        caller = hashlib.sha256(headers.get("authorization", "").encode()).hexdigest()
        fingerprint = hashlib.sha256(
            b"\0".join(
                [scope["method"].encode(), path.encode(), scope.get("query_string", b""), body]
            )
        ).hexdigest()
        engine: sa.Engine = scope["app"].state.app.engine
        found = await run_in_threadpool(_claim, engine, caller, key, fingerprint)
        if found.verdict != "new":
            await self._answer_again(found, scope, receive, send)
            return
        await self._answer_first(engine, caller, key, body, scope, receive, send)

    async def _answer_again(self, found: Found, scope: Scope, receive: Receive, send: Send) -> None:
        if found.verdict == "mismatch":
            answer = problem(
                422,
                "idempotency.key_reused",
                "This Idempotency-Key was used with a different request",
                field=HEADER,
            )
        elif found.verdict == "in_progress":
            answer = problem(
                409,
                "idempotency.in_progress",
                "A request with this Idempotency-Key is still being answered",
                field=HEADER,
                headers={"Retry-After": "1"},
            )
        else:
            assert found.status is not None
            await send(
                {
                    "type": "http.response.start",
                    "status": found.status,
                    "headers": [
                        *((n.encode(), v.encode()) for n, v in (found.headers or {}).items()),
                        (b"content-length", str(len(found.body)).encode()),
                        (b"idempotent-replayed", b"true"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": found.body})
            return
        await answer(scope, receive, send)

    async def _answer_first(
        self,
        engine: sa.Engine,
        caller: str,
        key: str,
        body: bytes,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        sent = False

        async def replayed() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # the body is read: this waits for a disconnect
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status, kept_headers, chunks = 500, {}, []

        async def capture(message: Message) -> None:
            nonlocal status, kept_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                kept_headers = {
                    n.decode("latin-1").lower(): v.decode("latin-1")
                    for n, v in message.get("headers", [])
                    if n.decode("latin-1").lower() in KEPT_HEADERS
                }
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replayed, capture)
        finally:
            await run_in_threadpool(
                _keep, engine, caller, key, status, kept_headers, b"".join(chunks)
            )
