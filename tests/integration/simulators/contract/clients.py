"""What the contract suite knows of a simulator: how a client pages its lists and what each
entry of the registry declares. Written from the client's side, apart from the kit's own
paging code, so the suite checks what a simulator serves, not what it believes it serves."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import httpx

from repairlink.simulators.kit.server import Running

Item = dict[str, Any]


@dataclass(frozen=True)
class Page:
    items: list[Item]
    total: int | None  # as the simulator reports it; None where the style has no totals


@dataclass(frozen=True)
class Cursor:
    """An opaque next token in `meta.nextToken`; the total, if any, in `meta.<total_key>`."""

    token: str
    size: str
    max_size: int
    total_key: str | None = "totalItems"

    def pages(
        self, client: httpx.Client, path: str, params: Mapping[str, Any], size: int
    ) -> Iterator[Page]:
        query = {**params, self.size: size}
        while True:
            response = client.get(path, params=query)
            assert response.status_code == 200, response.text
            body = response.json()
            meta = body["meta"]
            yield Page(body["items"], None if self.total_key is None else meta[self.total_key])
            if not meta["nextToken"]:
                return
            query[self.token] = meta["nextToken"]


@dataclass(frozen=True)
class Offset:
    """`offset` and `limit`; the total in a header (the body a bare array), or in the body
    beside the items."""

    max_size: int = 500
    offset: str = "offset"
    size: str = "limit"
    total_header: str | None = "X-Total-Count"
    items_key: str | None = None
    total_key: str | None = None

    def pages(
        self, client: httpx.Client, path: str, params: Mapping[str, Any], size: int
    ) -> Iterator[Page]:
        offset = 0
        while True:
            response = client.get(path, params={**params, self.offset: offset, self.size: size})
            assert response.status_code == 200, response.text
            body = response.json()
            if self.total_header is not None:
                items, total = body, int(response.headers[self.total_header])
            else:
                items, total = body[str(self.items_key)], body[str(self.total_key)]
            yield Page(items, total)
            offset += size
            if offset >= total or not items:
                return


@dataclass(frozen=True)
class Edit:
    """An admin edit of one field, and where the list shows it."""

    field: str
    value: Any
    seen: Callable[[Item], Any]


@dataclass(frozen=True)
class Listed:
    """One list endpoint: where, how it pages, how its items name their id, which admin kind
    its records are, an edit it shows, and its modified-window parameters (if it has any)."""

    path: str
    paging: Cursor | Offset
    id_key: str
    kind: str
    edit: Edit
    params: Mapping[str, str] = field(default_factory=dict)
    modified_from: str | None = None
    modified_to: str | None = None
    new: Mapping[str, Any] | None = None  # fields of a record the admin API may add; None: none

    @property
    def label(self) -> str:
        query = "&".join(f"{key}={value}" for key, value in self.params.items())
        return self.path + (f"?{query}" if query else "")

    def get(self, client: httpx.Client, size: int, **params: Any) -> httpx.Response:
        """The first page, asking for `size` records (the spelling is the paging style's)."""
        return client.get(self.path, params={**self.params, **params, self.paging.size: size})

    def walk(self, client: httpx.Client, size: int, **params: str) -> tuple[list[Item], int | None]:
        """Every item, following pages to the end, and the total the first page reported."""
        items: list[Item] = []
        total: int | None = None
        for number, page in enumerate(
            self.paging.pages(client, self.path, {**self.params, **params}, size)
        ):
            items.extend(page.items)
            total = page.total if number == 0 else total
        return items, total

    def ids(self, items: list[Item]) -> list[str]:
        return [str(item[self.id_key]) for item in items]


@dataclass(frozen=True)
class Refusal:
    """Credentials a simulator must refuse, and the status it refuses them with."""

    what: str
    headers: dict[str, str]
    status: int


@dataclass(frozen=True)
class Simulated:
    """One entry of the registry: a simulator as the contract suite drives it."""

    name: str
    start: Callable[[], AbstractContextManager[Running[Any]]]
    refusals: Callable[[Running[Any]], list[Refusal]]
    lists: tuple[Listed, ...]
    # A write the simulator accepts (2xx) from a client with good credentials.
    write: Callable[[httpx.Client], httpx.Response]
