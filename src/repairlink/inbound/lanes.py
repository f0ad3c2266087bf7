"""One stream read as several lanes at once (issue 14, item 9): its modified window cut into
consecutive parts, each part's pages a cursor chain of its own.

A PMS whose pages each name the next (Alto's tokens) makes one stream one chain, so a 429's
Retry-After holds the whole stream. Cut by modified time (where: `inbound/lane_cuts`, at about
equal counts of records), the parts are independent to read,
and a 429 then holds one lane while the others go on; the writer still takes the lanes in
order, each in its own order, so a list ordered by modified time is applied in the order one
chain would have given it.

A lane's position is a cursor like any other (what the checkpoint keeps, S-03): the bounds of
every lane, which lane, and the PMS's own token in it, so that a resumed run reads the same
parts from where it stopped. A cursor that is not a lane's (a checkpoint from before lanes, a
stream read whole) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson

PREFIX = "lanes:"


@dataclass(frozen=True)
class LaneCursor:
    bounds: tuple[datetime | None, ...]  # lane i reads [bounds[i], bounds[i + 1]); None: open
    lane: int
    token: str | None  # the PMS's cursor inside the lane (None: its first page)

    @property
    def since(self) -> datetime | None:
        return self.bounds[self.lane]

    @property
    def until(self) -> datetime:
        until = self.bounds[self.lane + 1]
        assert until is not None  # only the first lower bound is ever open
        return until

    @property
    def lanes(self) -> int:
        return len(self.bounds) - 1

    def encode(self) -> str:
        bounds = [None if b is None else b.isoformat() for b in self.bounds]
        return PREFIX + orjson.dumps({"b": bounds, "l": self.lane, "t": self.token}).decode()

    def after(self, token: str | None) -> str | None:
        """The cursor after a page of this lane that named `token` next: further in this lane,
        the start of the next lane when this one ends, None when the last one ends."""
        if token is not None:
            return LaneCursor(self.bounds, self.lane, token).encode()
        if self.lane + 1 < self.lanes:
            return LaneCursor(self.bounds, self.lane + 1, None).encode()
        return None

    def starts(self) -> list[str]:
        """This lane's cursor and the first of every lane after it: what is left to read."""
        later = (LaneCursor(self.bounds, n, None) for n in range(self.lane + 1, self.lanes))
        return [self.encode(), *(cursor.encode() for cursor in later)]


def decode(cursor: str | None) -> LaneCursor | None:
    """The lane a cursor names; None when it is a plain cursor (or none)."""
    if cursor is None or not cursor.startswith(PREFIX):
        return None
    raw = orjson.loads(cursor[len(PREFIX) :])
    bounds = tuple(None if b is None else datetime.fromisoformat(b) for b in raw["b"])
    return LaneCursor(bounds, int(raw["l"]), raw["t"])


def at(since: datetime | None, cuts: list[datetime], until: datetime) -> LaneCursor | None:
    """The first lane of [since, until) cut at `cuts` (rising, inside the window; the first
    lane keeps the window's own lower bound); None when there is nothing to cut."""
    if not cuts:
        return None
    return LaneCursor((since, *cuts, until), 0, None)
