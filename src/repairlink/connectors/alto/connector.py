"""Alto as a `Connector`: its streams (see `streams`), read through its client."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from repairlink.connectors.alto.client import AltoClient
from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.profile import PROFILE
from repairlink.connectors.alto.streams import BY_NAME, STREAMS
from repairlink.pms.connector import FetchedPage, TransientFetchError
from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.streams import RawPage, Stream


def _alto_time(moment: datetime) -> str:
    """ISO-8601 UTC to the millisecond: a bound cut to the second would drop what changed in
    the last fraction of a second before the run began."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_page(stream: str, page: RawPage) -> FetchedPage:
    """One page of `stream` as Alto sent it -> our records and the next cursor."""
    try:
        body = orjson.loads(page.body)
    except orjson.JSONDecodeError as exc:
        raise TransientFetchError(f"Alto sent a page that is not JSON on {stream}") from exc
    mapper = BY_NAME[stream].mapper
    records: list[Incoming | Malformed] = []
    for item in body.get("items") or []:
        records.extend(mapper(item))
    return FetchedPage(records, (body.get("meta") or {}).get("nextToken"))


def _window(declared: Stream, since: datetime | None, until: datetime) -> dict[str, str]:
    window = {}
    if declared.dated:
        window["modified-to"] = _alto_time(until)
        if since is not None:
            window["modified-from"] = _alto_time(since)
    return window


class AltoConnector:
    profile = PROFILE
    streams = STREAMS

    @staticmethod
    def parse(stream: str, page: RawPage) -> FetchedPage:
        return parse_page(stream, page)

    def __init__(self, config: AltoConfig, client: AltoClient | None = None) -> None:
        self.config = config
        self.client = client or AltoClient(config)

    def fetch(
        self, stream: str, *, since: datetime | None, until: datetime, cursor: str | None
    ) -> RawPage:
        declared = BY_NAME[stream]
        window = _window(declared, since, until)
        return self.client.page(declared, cursor=cursor, size=self.config.page_size, window=window)

    def earliest(self, stream: str, *, since: datetime | None, until: datetime) -> datetime | None:
        """When the window's first record was modified (Alto lists by modified time): a
        one-record page, so that a run can cut the stream into lanes (`inbound/lanes`). None
        when the window is empty or the record does not say."""
        declared = BY_NAME[stream]
        window = _window(declared, since, until)
        page = self.client.page(declared, cursor=None, size=1, window=window)
        try:
            items = orjson.loads(page.body).get("items") or []
            value = items[0].get(declared.modified_key or "") if items else None
            return datetime.fromisoformat(value) if isinstance(value, str) else None
        except (orjson.JSONDecodeError, AttributeError, ValueError):
            return None  # read whole then: the pages themselves will say what is wrong

    def close(self) -> None:
        self.client.close()
