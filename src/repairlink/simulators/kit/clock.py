"""Times as simulators keep them (ms since the epoch, UTC), read from filters, and written the
ways PMS APIs write them."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

# Generated records were all created and last modified before this instant, so anything
# edited while a simulator runs (at wall-clock time) is newer than every generated record.
ANCHOR_MS = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1000)
DAY_MS = 86_400_000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def parse(text: str) -> int:
    """An ISO-8601 value (2006-01-02T15:04:05Z); a time without offset is UTC."""
    # A "+" in a query string arrives as a space when the client did not escape it.
    moment = datetime.fromisoformat(text.strip().replace(" ", "+"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def to_dotnet(ms: int) -> str:
    """.NET's round-trip style, seven fraction digits and an offset:
    2017-12-25T15:03:30.1230000+00:00 (Alto writes this)."""
    # time.strftime on a struct is several times cheaper than datetime formatting.
    return (
        f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(ms // 1000))}.{ms % 1000:03d}0000+00:00"
    )


def to_utc_z(ms: int) -> str:
    """ISO-8601 in UTC with milliseconds and a Z: 2017-12-25T15:03:30.123Z."""
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(ms // 1000))}.{ms % 1000:03d}Z"


def to_midnight(ms: int) -> str:
    """A calendar date at midnight with an offset: 2017-12-25T00:00:00+00:00."""
    return time.strftime("%Y-%m-%dT00:00:00+00:00", time.gmtime(ms // 1000))


def generated_times(rng: random.Random, oldest_days: int = 6 * 365) -> tuple[int, int]:
    """(created, modified) of a generated record: created within `oldest_days` (and at least
    30 days) before the anchor, modified between then and the anchor."""
    created = ANCHOR_MS - rng.randint(30 * DAY_MS, oldest_days * DAY_MS)
    return created, created + int(rng.random() * (ANCHOR_MS - created))
