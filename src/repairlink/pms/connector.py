"""The interface every PMS connector implements. The engine knows nothing else about a PMS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from repairlink.errors import RepairlinkError, Terminal, Transient
from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.profile import Profile
from repairlink.pms.streams import RawPage, Stream


@dataclass
class FetchedPage:
    records: list[Incoming | Malformed]
    next_cursor: str | None  # None: the stream is finished


# One page as the PMS sent it -> our records and the next cursor. Pure and module-level:
# the engine runs it in a process of its own (see `inbound.page_worker`).
PageParser = Callable[[str, RawPage], FetchedPage]


class Connector(Protocol):
    profile: Profile

    # The PMS's lists, in the order a run reads them (parents before children).
    streams: tuple[Stream, ...]

    @staticmethod
    def parse(stream: str, page: RawPage) -> FetchedPage:
        """A page as `fetch` returned it -> our records and the next cursor (a `PageParser`)."""
        ...

    def fetch(
        self, stream: str, *, since: datetime | None, until: datetime, cursor: str | None
    ) -> RawPage:
        """One page of the stream named `stream` changed in [since, until) (since=None:
        everything), as the PMS sent it; `parse` reads it."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class Reopenable(Protocol):
    """A connector whose pages can be read from a process forked from this one: it reads over
    HTTP, not from something only this process holds (a bridge's pushed pages). The engine
    then reads and parses each page in its page-preparing process (`inbound.page_worker`),
    and the writer's process keeps only the writing."""

    def fetch(
        self, stream: str, *, since: datetime | None, until: datetime, cursor: str | None
    ) -> RawPage: ...

    def reopened(self) -> Reopenable:
        """A twin with connections, locks and threads of its own, made in the forked process."""
        ...


class FetchError(RepairlinkError):
    """The PMS did not answer a page."""


# Answers a PMS gives instead of doing the work: too many requests, unavailable
REFUSED_STATUSES = frozenset({429, 503})


class TransientFetchError(FetchError, Transient):
    """429, 5xx, a timeout: worth another try, after `retry_after` seconds if the PMS said."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        unconnected: bool = False,
    ) -> None:
        super().__init__("sync.pms_unavailable", message)
        self.retry_after = retry_after
        self.pms_status = status
        self.unconnected = unconnected  # no connection was made: the PMS never saw it

    @property
    def refused(self) -> bool:
        """The PMS refused before it could act on the request (429, 503, no connection)."""
        return self.unconnected or self.pms_status in REFUSED_STATUSES


class TerminalFetchError(FetchError, Terminal):
    """Bad credentials, a refused agency reference...: retrying will not help."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__("sync.pms_refused", message)
        self.pms_status = status
