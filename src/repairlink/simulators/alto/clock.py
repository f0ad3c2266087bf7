"""Times as the simulator keeps them (ms since the epoch, UTC) and as Alto writes them."""

from __future__ import annotations

import time
from datetime import UTC, datetime

# Generated records were all created and last modified before this instant, so anything
# edited while the simulator runs (at wall-clock time) is newer than every generated record.
ANCHOR_MS = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1000)
DAY_MS = 86_400_000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def to_alto(ms: int) -> str:
    """Alto's own style, seven fraction digits and an offset: 2017-12-25T15:03:30.1230000+00:00"""
    # time.strftime on a struct is several times cheaper than datetime formatting.
    return (
        f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(ms // 1000))}.{ms % 1000:03d}0000+00:00"
    )


def to_date(ms: int) -> str:
    """A calendar date at midnight, as Alto shows tenancy dates."""
    return time.strftime("%Y-%m-%dT00:00:00+00:00", time.gmtime(ms // 1000))


def parse(text: str) -> int:
    """An ISO-8601 filter value (2006-01-02T15:04:05Z); a time without offset is UTC."""
    moment = datetime.fromisoformat(text.strip().replace(" ", "+"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
