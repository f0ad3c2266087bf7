"""Propertyware as a `Connector`: its streams (see `streams`), read through its client for the
connection's one portfolio."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from repairlink.connectors.propertyware.client import PropertywareClient
from repairlink.connectors.propertyware.config import PropertywareConfig
from repairlink.connectors.propertyware.profile import PROFILE
from repairlink.connectors.propertyware.streams import BY_NAME, STREAMS
from repairlink.pms.connector import FetchedPage, TransientFetchError
from repairlink.pms.http import next_offset
from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.streams import RawPage


def pw_time(moment: datetime) -> str:
    """`yyyy-MM-dd'T'HH:mm:ssXXX` in UTC, to the millisecond: a bound cut to the second would
    drop what changed in the last fraction of a second before the run began."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_page(stream: str, page: RawPage) -> FetchedPage:
    """One page (a bare JSON array) -> our records and the next offset."""
    try:
        items = orjson.loads(page.body)
    except orjson.JSONDecodeError as exc:
        raise TransientFetchError(f"Propertyware sent a page that is not JSON on {stream}") from exc
    if not isinstance(items, list):
        raise TransientFetchError(f"Propertyware sent a page that is not a list on {stream}")
    declared = BY_NAME[stream]
    records: list[Incoming | Malformed] = []
    for item in items:
        records.extend(declared.mapper(item))
    return FetchedPage(records, next_offset(page, len(items), declared.max_size))


class PropertywareConnector:
    profile = PROFILE
    streams = STREAMS

    @staticmethod
    def parse(stream: str, page: RawPage) -> FetchedPage:
        return parse_page(stream, page)

    def __init__(
        self, config: PropertywareConfig, client: PropertywareClient | None = None
    ) -> None:
        self.config = config
        self.client = client or PropertywareClient(config)

    def fetch(
        self, stream: str, *, since: datetime | None, until: datetime, cursor: str | None
    ) -> RawPage:
        declared = BY_NAME[stream]
        window = {"portfolioID": str(self.config.portfolio_id)}
        if declared.dated:
            window["lastModifiedDateTimeEnd"] = pw_time(until)
            if since is not None:
                window["lastModifiedDateTimeStart"] = pw_time(since)
        return self.client.page(declared, cursor=cursor, size=self.config.page_size, window=window)

    def close(self) -> None:
        self.client.close()
