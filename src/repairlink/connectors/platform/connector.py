"""The platform as a `Connector`: its streams are the pages a bridge client pushes, so a
pushed page goes through the same engine, rules and report as a pulled one. `pushed` builds
a connector that answers one page of one stream (and nothing on the others); `session` one
that answers, stream by stream, the pages a client pushes into an open run, as they come
(each names the next, until the stream is over); the registry's connector, asked to pull,
says that this PMS is read by the agency's browser instead."""

from __future__ import annotations

from datetime import datetime

from repairlink.connectors.platform import mapping
from repairlink.connectors.platform.config import PlatformConfig
from repairlink.connectors.platform.profile import PROFILE
from repairlink.pms import pushed_page
from repairlink.pms.bridge import PageSource
from repairlink.pms.connector import FetchedPage, TerminalFetchError, TransientFetchError
from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.set_aside import placed
from repairlink.pms.streams import RawPage, Stream

STREAMS: tuple[Stream, ...] = (
    Stream("properties", "/properties", ("unit",), mapping.unit),
    Stream("residents", "/residents", ("occupier", "tenancy"), mapping.resident),
    Stream("work_orders", "/work-orders", ("issue",), mapping.work_order),
)
BY_NAME = {stream.name: stream for stream in STREAMS}
EMPTY = RawPage(b'{"items": []}')


def parse_page(stream: str, page: RawPage) -> FetchedPage:
    try:
        found = pushed_page.items(page.body)
    except pushed_page.Refused as exc:
        raise TransientFetchError(f"The page pushed for {stream} is not JSON") from exc
    declared = BY_NAME[stream]
    records: list[Incoming | Malformed] = []
    for number, item in enumerate(found, 1):
        if isinstance(item, pushed_page.NotJson):  # S-04: quarantined, the rest goes on
            reason = f"item: not JSON ({item.reason})"
            mapped: list[Incoming | Malformed] = [
                Malformed(declared.kinds[0], "", reason, {"value": item.text})
            ]
        elif not isinstance(item, dict):
            reason = "item: must be an object"
            mapped = [Malformed(declared.kinds[0], "", reason, {"value": repr(item)})]
        else:
            mapped = declared.mapper(item)
        records += placed(mapped, number)
    return FetchedPage(records, page.cursor)  # a pushed page names the next one, if any


class PlatformConnector:
    profile = PROFILE
    streams = STREAMS

    @staticmethod
    def parse(stream: str, page: RawPage) -> FetchedPage:
        return parse_page(stream, page)

    def __init__(
        self,
        config: PlatformConfig,
        pages: dict[str, bytes] | None = None,
        source: PageSource | None = None,
    ) -> None:
        self.config = config
        self.pages = pages  # one pushed page per stream
        self.source = source  # or the pages of an open run; neither: this connector cannot pull

    @classmethod
    def pushed(cls, config: PlatformConfig, stream: str, body: bytes) -> PlatformConnector:
        return cls(config, {stream: body})

    @classmethod
    def session(cls, config: PlatformConfig, source: PageSource) -> PlatformConnector:
        return cls(config, source=source)

    def fetch(
        self, stream: str, *, since: datetime | None, until: datetime, cursor: str | None
    ) -> RawPage:
        if self.source is not None:
            body = self.source.take(stream)
            # the page's cursor is the next one's: the stream goes on until the source ends it
            return EMPTY if body is None else RawPage(body, str(int(cursor or 0) + 1))
        if self.pages is None:
            raise TerminalFetchError(
                "This PMS is read by the agency's browser extension or bridge client, "
                "which pushes what changed; Repairlink cannot read it itself"
            )
        body = self.pages.get(stream)
        return EMPTY if body is None else RawPage(body)

    def close(self) -> None:
        pass
