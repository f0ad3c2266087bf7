"""Propman as a `Connector`: its streams (see `streams`), read through its client."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from repairlink.connectors.propman.client import PropmanClient
from repairlink.connectors.propman.config import PropmanConfig
from repairlink.connectors.propman.profile import PROFILE
from repairlink.connectors.propman.streams import BY_NAME, MAX_PAGE, STREAMS
from repairlink.pms.connector import FetchedPage, TransientFetchError
from repairlink.pms.http import next_offset
from repairlink.pms.set_aside import map_items
from repairlink.pms.streams import RawPage


def _propman_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_page(stream: str, page: RawPage) -> FetchedPage:
    """One page of `stream` as Propman sent it -> our records and the next offset."""
    try:
        body = orjson.loads(page.body)
        items, total = body["items"], int(body["total"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise TransientFetchError(f"Propman sent a page that is not a list on {stream}") from exc
    records = map_items(BY_NAME[stream].mapper, items)
    counted = RawPage(page.body, page.cursor, total)
    return FetchedPage(records, next_offset(counted, len(items), MAX_PAGE))


class PropmanConnector:
    profile = PROFILE
    streams = STREAMS

    @staticmethod
    def parse(stream: str, page: RawPage) -> FetchedPage:
        return parse_page(stream, page)

    def __init__(self, config: PropmanConfig, client: PropmanClient | None = None) -> None:
        self.config = config
        self.client = client or PropmanClient(config)

    def fetch(
        self, stream: str, *, since: datetime | None, until: datetime, cursor: str | None
    ) -> RawPage:
        window = {"modifiedBefore": _propman_time(until)}
        if since is not None:
            window["modifiedSince"] = _propman_time(since)
        declared = BY_NAME[stream]
        return self.client.page(declared, cursor=cursor, size=self.config.page_size, window=window)

    def reopened(self) -> PropmanConnector:
        """For reading pages in the page-preparing process (`pms.connector.Reopenable`)."""
        return PropmanConnector(self.config, self.client.reopened())

    def close(self) -> None:
        self.client.close()
