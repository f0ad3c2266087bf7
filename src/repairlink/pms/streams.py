"""A PMS's lists, declared as data: what each carries and how it is read.

A connector declares its streams in the order a run reads them (parents before children); the
engine reads only the streams that carry the kinds a run is for (a schedule's kinds), and
reconciliation only those that carry the kind it reconciles. How a page is asked for and what
its next one is (a cursor in the body, or an offset and a total) is the connector's business,
told here so that it is written once, in `pms.http`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from repairlink.pms.incoming import Incoming, Malformed

Item = dict[str, Any]
Mapper = Callable[[Item], list[Incoming | Malformed]]


class Paging(StrEnum):
    CURSOR = "cursor"  # the page names the next one (a token): Alto
    OFFSET = "offset"  # the next page starts where this one ended; a total says when to stop


@dataclass(frozen=True)
class Stream:
    name: str
    path: str
    kinds: tuple[str, ...]  # the record kinds its items carry
    mapper: Mapper  # one item -> our records (pure: it runs in the page worker)
    paging: Paging = Paging.CURSOR
    cursor_param: str = "cursor"  # the next token's parameter, or the offset's
    size_param: str = "limit"
    max_size: int = 100  # the PMS's largest page on this list
    dated: bool = True  # it reads a modified window; else it is read whole every time
    params: Mapping[str, str] = field(default_factory=dict)  # fixed query parameters
    on_full_runs: bool = True  # False: a full run has its records from another stream already
    # Read as this many lanes at most, cut by modified time (`inbound/lanes`), where the
    # connector can say where to cut the window (`cut_lanes`, `inbound/lane_cuts`)
    lanes: int = 1
    modified_key: str | None = None  # the item's field that says when it was last modified

    def carries(self, kinds: set[str] | frozenset[str]) -> bool:
        return bool(kinds.intersection(self.kinds))


@dataclass(frozen=True)
class RawPage:
    """One page as the PMS sent it, with what the request knew: the cursor or offset it asked
    for and, where the PMS gives it outside the body (a header), the list's total."""

    body: bytes
    cursor: str | None = None
    total: int | None = None


def streams_for(
    streams: tuple[Stream, ...], kinds: set[str] | frozenset[str], *, full: bool
) -> list[Stream]:
    """The streams a run for `kinds` reads, in the declared order."""
    return [s for s in streams if s.carries(kinds) and (s.on_full_runs or not full)]
