"""Alto as a `Connector`: its streams (see `streams`), read through its client."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from repairlink.connectors.alto.client import AltoClient
from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.profile import PROFILE
from repairlink.connectors.alto.streams import BY_NAME, STREAMS
from repairlink.inbound import lane_cuts
from repairlink.inbound.lane_cuts import Sample
from repairlink.pms.connector import FetchedPage, TransientFetchError
from repairlink.pms.set_aside import map_items
from repairlink.pms.streams import RawPage, Stream

# Records a sampled page holds (`cut_lanes`): enough to tell a stretch's density within some
# 15%, half an ordinary page
SAMPLE_SIZE = 50


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
    records = map_items(BY_NAME[stream].mapper, body.get("items") or [])
    return FetchedPage(records, (body.get("meta") or {}).get("nextToken"))


def _sample(declared: Stream, page: RawPage) -> Sample:
    """A sampled page: its records' modified times (those it says), whether the window ends
    with it, and the window's count from its start where the list reports one."""
    try:
        body = orjson.loads(page.body)
    except orjson.JSONDecodeError as exc:
        raise TransientFetchError(f"Alto sent a page that is not JSON on {declared.name}") from exc
    meta = body.get("meta") or {}
    total = meta.get("totalItems")
    return Sample(
        lane_cuts.modified_times(body.get("items") or [], declared.modified_key),
        meta.get("nextToken") is None,
        total if isinstance(total, int) else None,
    )


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

    def cut_lanes(
        self, stream: str, *, since: datetime | None, until: datetime, lanes: int
    ) -> list[datetime]:
        """Where to cut the window into lanes of about equal counts (`inbound/lane_cuts`),
        from pages sampled across it; [] to read it whole."""
        declared = BY_NAME[stream]

        def probe(moment: datetime | None) -> Sample:
            window = _window(declared, moment or since, until)
            return _sample(
                declared, self.client.page(declared, cursor=None, size=SAMPLE_SIZE, window=window)
            )

        # a sample slower than a hedged read would be is left out, not waited for
        wait_s = 2 * self.client.hedger.after_s()
        per_lane = self.config.page_size
        return lane_cuts.cuts(probe, since, until, lanes, per_lane=per_lane, wait_s=wait_s)

    def reopened(self) -> AltoConnector:
        """For reading pages in the page-preparing process (`pms.connector.Reopenable`)."""
        return AltoConnector(self.config, self.client.reopened())

    def close(self) -> None:
        self.client.close()
