"""Alto as a `Connector`: four streams, read in the order their records depend on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from repairlink.connectors.alto import mapping
from repairlink.connectors.alto.client import AltoClient
from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.profile import PROFILE
from repairlink.pms.connector import FetchedPage, TransientFetchError
from repairlink.pms.incoming import Incoming, Malformed

Mapper = Callable[[dict[str, Any]], list[Incoming | Malformed]]


def _one(fn: Callable[[dict[str, Any]], Incoming | Malformed]) -> Mapper:
    return lambda item: [fn(item)]


# stream -> (path, cursor param, size param, reads the modified window?, fixed params, mapper)
STREAMS: dict[str, tuple[str, str, str, bool, dict[str, str], Mapper]] = {
    "properties": ("/inventory/filter", "next-token", "max-results", True, {}, _one(mapping.unit)),
    "landlords": (
        "/landlords",
        "next-token",
        "max-results",
        True,
        {"active-status": "All"},
        mapping.landlord,
    ),
    # Alto publishes no modified filter for suppliers: always read whole (hashes make it cheap)
    "suppliers": ("/suppliers", "nextToken", "maxResults", False, {}, _one(mapping.contractor)),
    "tenancies": (
        "/tenancies",
        "next-token",
        "max-results",
        True,
        {"include-tenants": "true"},
        mapping.tenancy,
    ),
    # a tenant's own edits (email, archived) do not move their tenancy's modified time
    "tenants": (
        "/contacts/all",
        "next-token",
        "max-results",
        True,
        {"persona": "Tenant"},
        _one(mapping.tenant_contact),
    ),
}
FULL_RUN_SKIPS = {"tenants"}  # a full run reads every tenant with their tenancy already
NOTHING = b'{"items": []}'


def _alto_time(moment: datetime) -> str:
    """ISO-8601 UTC to the millisecond: a bound cut to the second would drop what changed in
    the last fraction of a second before the run began."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_page(stream: str, body: bytes) -> FetchedPage:
    """One page of `stream` as Alto sent it -> our records and the next cursor."""
    try:
        page = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise TransientFetchError(f"Alto sent a page that is not JSON on {stream}") from exc
    mapper = STREAMS[stream][5]
    records: list[Incoming | Malformed] = []
    for item in page.get("items") or []:
        records.extend(mapper(item))
    return FetchedPage(records, (page.get("meta") or {}).get("nextToken"))


class AltoConnector:
    profile = PROFILE
    streams = tuple(STREAMS)

    @staticmethod
    def parse(stream: str, body: bytes) -> FetchedPage:
        return parse_page(stream, body)

    def __init__(self, config: AltoConfig, client: AltoClient | None = None) -> None:
        self.config = config
        self.client = client or AltoClient(config)

    def fetch(
        self, stream: str, *, since: datetime | None, until: datetime, cursor: str | None
    ) -> bytes:
        path, cursor_param, size_param, dated, fixed, _mapper = STREAMS[stream]
        if since is None and stream in FULL_RUN_SKIPS:
            return NOTHING
        wide = stream in ("properties", "tenants")  # Alto allows 250 a page on these two
        size = self.config.page_size if wide else min(self.config.page_size, 100)
        params: dict[str, Any] = {**fixed, size_param: size}
        if cursor:
            params[cursor_param] = cursor
        if dated:
            params["modified-to"] = _alto_time(until)
            if since is not None:
                params["modified-from"] = _alto_time(since)
        return self.client.get(path, params)

    def close(self) -> None:
        self.client.close()
