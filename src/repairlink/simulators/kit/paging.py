"""How a PMS spells paging on the wire: its parameters, limits and envelope.

Three styles, each declared per endpoint:

- `CursorPaging`: an opaque next token and a page size, each spelled as the endpoint spells
  them (Alto has `next-token`/`max-results` and `nextToken`/`maxResults`), the token and an
  optional total in a `meta` object beside `items`.
- `OffsetPaging`: `offset` and `limit`, the body a bare JSON array and the total in an
  `X-Total-Count` header (Propertyware).
- `OffsetBodyPaging`: `offset` and `limit`, the total in the body beside the items (Propman).

Parameter names are case-sensitive, as they are on those servers: a misspelt one is ignored
like any unknown parameter, so a client that gets it wrong sees page one again. A size above
the limit is 400. Each style may take modified/created date filters, spelled per PMS.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import orjson
from starlette.requests import Request
from starlette.responses import Response

from .errors import BadRequest
from .listing import Page, Window, select
from .query import Keep, moment
from .rendered import Shape
from .runtime import Runtime


@dataclass(frozen=True)
class DateFilters:
    """The names of a list's date parameters; None where the PMS offers none. From is
    inclusive, to exclusive."""

    modified_from: str | None = None
    modified_to: str | None = None
    created_from: str | None = None
    created_to: str | None = None

    def window(
        self,
        params: Mapping[str, str],
        size: int,
        after: tuple[int, int] | None = None,
        offset: int = 0,
    ) -> Window:
        """The window of one request: its page, and the date bounds it sends."""
        return Window(
            size,
            after,
            offset,
            modified_from=moment(params, self.modified_from),
            modified_to=moment(params, self.modified_to),
            created_from=moment(params, self.created_from),
            created_to=moment(params, self.created_to),
        )


NO_DATES = DateFilters()


class Paging(Protocol):
    @property
    def with_total(self) -> bool: ...

    def window(self, params: Mapping[str, str], size_cap: int | None) -> Window: ...

    def respond(self, window: Window, page: Page, items: list[bytes]) -> Response: ...


def _whole(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    try:
        return default if raw in (None, "") else int(str(raw))
    except ValueError as error:
        raise BadRequest(f"{name} must be a whole number.") from error


def _size(params: Mapping[str, str], name: str, default: int, limit: int) -> int:
    size = _whole(params, name, default)
    if not 1 <= size <= limit:
        raise BadRequest(f"{name} must be between 1 and {limit}.")
    return size


def encode_token(last: tuple[int, int]) -> str:
    modified_ms, record_id = last
    raw = f"v1:{modified_ms}:{record_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> tuple[int, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        version, modified, record_id = raw.split(":")
        if version != "v1":
            raise ValueError(version)
        return int(modified), int(record_id)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"The next token {token!r} is not valid.") from error


def _json(body: bytes, headers: Mapping[str, str] | None = None) -> Response:
    return Response(body, media_type="application/json", headers=dict(headers or {}))


def _array(items: list[bytes]) -> bytes:
    return b"[" + b",".join(items) + b"]"


@dataclass(frozen=True)
class CursorPaging:
    """An opaque next token naming the last record served; `{"meta": {"nextToken", ...},
    "items": [...]}`, the last page's token null."""

    token_param: str
    size_param: str
    default_size: int
    max_size: int
    dates: DateFilters = NO_DATES
    total_key: str | None = "totalItems"  # None: this list reports no total
    extra_meta: Mapping[str, object] = field(default_factory=dict)

    @property
    def with_total(self) -> bool:
        return self.total_key is not None

    def window(self, params: Mapping[str, str], size_cap: int | None) -> Window:
        size = _size(params, self.size_param, self.default_size, size_cap or self.max_size)
        token = params.get(self.token_param)
        return self.dates.window(params, size, after=decode_token(token) if token else None)

    def respond(self, window: Window, page: Page, items: list[bytes]) -> Response:
        meta: dict[str, object] = {
            "nextToken": None if page.last is None else encode_token(page.last)
        }
        meta.update(self.extra_meta)
        if self.total_key is not None:
            meta[self.total_key] = page.total
        return _json(b'{"meta":' + orjson.dumps(meta) + b',"items":' + _array(items) + b"}")


@dataclass(frozen=True)
class _Offsets:
    """`offset` (from 0) and `limit` parameters; every offset style reports its total."""

    offset_param: str = "offset"
    limit_param: str = "limit"
    default_size: int = 100
    max_size: int = 500
    dates: DateFilters = NO_DATES

    @property
    def with_total(self) -> bool:
        return True

    def window(self, params: Mapping[str, str], size_cap: int | None) -> Window:
        size = _size(params, self.limit_param, self.default_size, size_cap or self.max_size)
        offset = _whole(params, self.offset_param, 0)
        if offset < 0:
            raise BadRequest(f"{self.offset_param} must be zero or more.")
        return self.dates.window(params, size, offset=offset)


@dataclass(frozen=True)
class OffsetPaging(_Offsets):
    """The body a bare JSON array, the total in a header (Propertyware's `X-Total-Count`)."""

    total_header: str = "X-Total-Count"

    def respond(self, window: Window, page: Page, items: list[bytes]) -> Response:
        return _json(_array(items), {self.total_header: str(page.total)})


@dataclass(frozen=True)
class OffsetBodyPaging(_Offsets):
    """The total in the body: `{"<total_key>": n, "offset": o, "limit": l, "<items_key>": []}`."""

    items_key: str = "items"
    total_key: str = "total"

    def respond(self, window: Window, page: Page, items: list[bytes]) -> Response:
        head = {self.total_key: page.total, "offset": window.offset, "limit": window.size}
        body = orjson.dumps(head)[:-1] + b',"' + self.items_key.encode() + b'":'
        return _json(body + _array(items) + b"}")


def list_response(
    state: Runtime,
    request: Request,
    paging: Paging,
    shape: Shape,
    keep: Keep | None = None,
    filter_key: object = None,
) -> Response:
    """One page of a list: the window the request asks for, the matching records of the
    shape's table (`filter_key` names `keep` for the cached totals), rendered and enveloped."""
    window = paging.window(request.query_params, state.config.max_page_size)
    page = select(
        shape.table,
        window,
        keep,
        state.totals,
        (shape.name, filter_key),
        with_total=paging.with_total,
    )
    items = [state.rendered.item(state.faults, shape, slot) for slot in page.slots]
    return paging.respond(window, page, items)
