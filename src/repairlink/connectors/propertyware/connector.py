"""Propertyware as a `Connector`: its streams (see `streams`), read through its client for the
connection's one portfolio."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from repairlink.connectors.propertyware.client import PropertywareClient
from repairlink.connectors.propertyware.config import PropertywareConfig
from repairlink.connectors.propertyware.profile import PROFILE
from repairlink.connectors.propertyware.streams import BY_NAME, STREAMS
from repairlink.inbound import lane_cuts
from repairlink.inbound.lane_cuts import Sample
from repairlink.pms.connector import FetchedPage, TransientFetchError
from repairlink.pms.http import next_offset
from repairlink.pms.set_aside import map_items
from repairlink.pms.streams import RawPage, Stream

# Records a sampled page holds (`cut_lanes`): enough to tell a stretch's density, a tenth of a
# full page
SAMPLE_SIZE = 50


def pw_time(moment: datetime) -> str:
    """`yyyy-MM-dd'T'HH:mm:ssXXX` in UTC, to the millisecond: a bound cut to the second would
    drop what changed in the last fraction of a second before the run began."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _items(stream: str, page: RawPage) -> list[Any]:
    try:
        items = orjson.loads(page.body)
    except orjson.JSONDecodeError as exc:
        raise TransientFetchError(f"Propertyware sent a page that is not JSON on {stream}") from exc
    if not isinstance(items, list):
        raise TransientFetchError(f"Propertyware sent a page that is not a list on {stream}")
    return items


def parse_page(stream: str, page: RawPage) -> FetchedPage:
    """One page (a bare JSON array) -> our records and the next offset."""
    items = _items(stream, page)
    declared = BY_NAME[stream]
    records = map_items(declared.mapper, items)
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
        window = self._window(declared, since, until)
        return self.client.page(declared, cursor=cursor, size=self.config.page_size, window=window)

    def cut_lanes(
        self, stream: str, *, since: datetime | None, until: datetime, lanes: int
    ) -> list[datetime]:
        """Where to cut the window into lanes of about equal counts (`inbound/lane_cuts`), from
        pages sampled across it, each with the count from its moment on (`X-Total-Count`); []
        to read it whole. An offset chain is read one page after another: in lanes, the pages
        of one come while the others' are prepared and written."""
        declared = BY_NAME[stream]

        def probe(moment: datetime | None) -> Sample:
            window = self._window(declared, moment or since, until)
            page = self.client.page(declared, cursor=None, size=SAMPLE_SIZE, window=window)
            items = _items(stream, page)
            ends = next_offset(page, len(items), SAMPLE_SIZE) is None
            return Sample(lane_cuts.modified_times(items, declared.modified_key), ends, page.total)

        wait_s = 2 * self.client.hedger.after_s()  # a straggling sample is left out
        per_lane = self.config.page_size
        return lane_cuts.cuts(probe, since, until, lanes, per_lane=per_lane, wait_s=wait_s)

    def _window(self, declared: Stream, since: datetime | None, until: datetime) -> dict[str, str]:
        window = {"portfolioID": str(self.config.portfolio_id)}
        if declared.dated:
            window["lastModifiedDateTimeEnd"] = pw_time(until)
            if since is not None:
                window["lastModifiedDateTimeStart"] = pw_time(since)
        return window

    def reopened(self) -> PropertywareConnector:
        """For reading pages in the page-preparing process (`pms.connector.Reopenable`)."""
        return PropertywareConnector(self.config, self.client.reopened())

    def close(self) -> None:
        self.client.close()
