"""Every request is measured and checked before it is parsed or authenticated (ASGI middleware
around the API and the console):

- size: a body over its limit is answered 413 at once (by its Content-Length, or as soon as
  the bytes read pass the limit), the rest unread. JSON and form bodies may have `json_max`
  bytes; a multipart body `total_max`, and each file in it `upload_max` (docs/api.md);
- text a database cannot store: NUL and the other control characters (tab, line feed and
  carriage return excepted) in the path, the query string, a JSON body, a form or a multipart
  text field are answered 422 naming the field, the same on SQLite and PostgreSQL (which
  cannot store NUL at all).

A console request (a browser's, asking for HTML) has its vertical tabs and form feeds (Word's
Shift+Enter pastes one) turned into line breaks instead, and a refusal is answered by the
console's own page (`refusal_page`, given by repairlink.server), not problem+json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from python_multipart.exceptions import MultipartParseError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from repairlink.api.parts import PartsMeter
from repairlink.domain.values import CONTROL_CHARACTERS

MiB = 1024 * 1024
FORBIDDEN = CONTROL_CHARACTERS  # the CSV import refuses the same in a file's cells
# Harmless in a person's text: a vertical tab or a form feed becomes a line feed (one byte for
# one, percent-encoded three for three, so no length or offset changes).
SOFT = bytes.maketrans(b"\x0b\x0c", b"\n\n")
SOFT_ENCODED = ((b"%0B", b"%0A"), (b"%0b", b"%0A"), (b"%0C", b"%0A"), (b"%0c", b"%0A"))
_FILE_PART = re.compile(rb";\s*filename\*?=", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    json_max: int = 1 * MiB
    upload_max: int = 10 * MiB
    total_max: int = 25 * MiB


class Refusal(Exception):
    def __init__(
        self, status: int, code: str, detail: str, field: str | None, limit: int | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field
        self.limit = limit  # bytes, for a body or file over its limit


# The console's page for a refusal: (scope, receive, send, status, code, field, limit).
RefusalPage = Callable[[Scope, Receive, Send, int, str, str | None, int | None], Awaitable[None]]


def _too_large(limit: int, field: str | None, what: str) -> Refusal:
    return Refusal(
        413, "request.too_large", f"{what} is larger than {limit // MiB} MiB", field or None, limit
    )


def _bad_text(field: str) -> Refusal:
    return Refusal(
        422,
        "request.control_character",
        f"{field or 'The request'} contains a control character (such as NUL) that cannot "
        "be stored",
        field or None,
    )


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) of every key and string in a parsed JSON value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _strings(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def check_pairs(pairs: list[tuple[str, str]]) -> None:
    for name, value in pairs:
        if FORBIDDEN.search(name) or FORBIDDEN.search(value):
            raise _bad_text(name if not FORBIDDEN.search(name) else "")


def check_body(content_type: str, body: bytes, meter: PartsMeter | None) -> None:
    if meter is not None:
        check_pairs(
            [(p.name, p.text.decode("utf-8", "replace")) for p in meter.parts if not p.is_file]
        )
    elif content_type.startswith("application/x-www-form-urlencoded"):
        check_pairs(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif b"\\u00" in body or b"\\u007f" in body.lower():  # JSON spells control characters so
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError:
            return  # not JSON: the route says what is wrong with it
        for where, text in _strings(parsed):
            if FORBIDDEN.search(text):
                raise _bad_text(where)


class RequestGuard:
    def __init__(
        self, app: ASGIApp, limits: Limits | None = None, refusal_page: RefusalPage | None = None
    ) -> None:
        self.app = app
        self.limits = limits or Limits()
        self.refusal_page = refusal_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        console = _from_console(scope)
        if console:
            scope = {**scope, "query_string": _soften_encoded(scope.get("query_string", b""))}
        try:
            body = await self._read(scope, receive, soften=console)
        except Refusal as refusal:
            if console and self.refusal_page is not None:
                page = self.refusal_page
                await page(scope, receive, send, *_said(refusal))
            else:
                await _answer(scope, send, refusal)
            return
        if body is None:
            return  # the client left
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, scope: Scope, receive: Receive, *, soften: bool) -> bytes | None:
        if FORBIDDEN.search(scope.get("path", "")):
            raise _bad_text("path")
        check_pairs(
            parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        )
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        multipart = content_type.startswith("multipart/form-data")
        limit = self.limits.total_max if multipart else self.limits.json_max
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            raise _too_large(limit, None, "The request body")
        meter = PartsMeter(headers[b"content-type"], self.limits.upload_max) if multipart else None
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            body += chunk
            if len(body) > limit:
                raise _too_large(limit, None, "The request body")
            _measure(meter, chunk, self.limits.upload_max)
            if not message.get("more_body", False):
                break
        read = _soften_body(content_type, bytes(body), meter) if soften else bytes(body)
        check_body(content_type, read, meter)
        return read


def _said(refusal: Refusal) -> tuple[int, str, str | None, int | None]:
    return refusal.status, refusal.code, refusal.field, refusal.limit


def _from_console(scope: Scope) -> bool:
    """A browser's request to the console: it asks for HTML (or comes from htmx)."""
    if scope.get("path", "").startswith("/api/"):
        return False
    headers = {k.lower(): v for k, v in scope.get("headers", [])}
    return b"text/html" in headers.get(b"accept", b"") or b"hx-request" in headers


def _soften_encoded(text: bytes) -> bytes:
    for encoded, line_feed in SOFT_ENCODED:
        text = text.replace(encoded, line_feed)
    return text.translate(SOFT)


def _soften_body(content_type: str, body: bytes, meter: PartsMeter | None) -> bytes:
    """A vertical tab or form feed in a form's text becomes a line feed (never in a file)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _soften_encoded(body)
    if meter is None or not any(b"\x0b" in p.text or b"\x0c" in p.text for p in meter.parts):
        return body
    for part in meter.parts:
        if not part.is_file:
            part.text = bytearray(bytes(part.text).translate(SOFT))
    delimiter = b"--" + meter.boundary
    pieces = []
    for piece in body.split(delimiter):
        head, gap, content = piece.partition(b"\r\n\r\n")
        if gap and not _FILE_PART.search(head):
            piece = head + gap + content.translate(SOFT)
        pieces.append(piece)
    return delimiter.join(pieces)


def _measure(meter: PartsMeter | None, chunk: bytes, upload_max: int) -> None:
    if meter is None or not chunk:
        return
    try:
        meter.feed(chunk)
    except MultipartParseError:
        return  # malformed: Starlette's parser answers for it
    if meter.oversized is not None:
        raise _too_large(upload_max, meter.oversized.name, f"The file in {meter.oversized.name}")


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the client's disconnect, if it comes

    return replay


async def _answer(scope: Scope, send: Send, refusal: Refusal) -> None:
    """problem+json for the API; a short page for a browser when there is no console."""
    path = scope.get("path", "")
    if path.startswith("/api/") or not _accepts_html(scope):
        body = json.dumps(
            {
                "type": f"urn:repairlink:problem:{refusal.code}",
                "title": "Content Too Large" if refusal.status == 413 else "Unprocessable Entity",
                "status": refusal.status,
                "detail": refusal.detail,
                "code": refusal.code,
                "field": refusal.field,
                "rule": None,
            }
        ).encode()
        media = b"application/problem+json"
    else:
        text = refusal.detail.replace("&", "&amp;").replace("<", "&lt;")
        body = f"<!doctype html><title>Refused</title><p>{text}</p>".encode()
        media = b"text/html; charset=utf-8"
    headers = [(b"content-type", media), (b"content-length", str(len(body)).encode())]
    if refusal.status == 413:
        headers.append((b"connection", b"close"))  # the rest of the body is never read
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _accepts_html(scope: Scope) -> bool:
    headers = {k.lower(): v for k, v in scope.get("headers", [])}
    return b"text/html" in headers.get(b"accept", b"")
