"""The interface every PMS connector implements. The engine knows nothing else about a PMS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from repairlink.errors import RepairlinkError, Terminal, Transient
from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.profile import Profile


@dataclass
class FetchedPage:
    records: list[Incoming | Malformed]
    next_cursor: str | None  # None: the stream is finished


# One page as the PMS sent it -> our records and the next cursor. Pure and module-level:
# the engine may run it in a process of its own (see `pages`).
PageParser = Callable[[str, bytes], FetchedPage]


class Connector(Protocol):
    profile: Profile

    @staticmethod
    def parse(stream: str, body: bytes) -> FetchedPage:
        """A page as `fetch` returned it -> our records and the next cursor (a `PageParser`)."""
        ...

    @property
    def streams(self) -> tuple[str, ...]:
        """The PMS's lists, in the order a run reads them (parents before children)."""
        ...

    def fetch(
        self, stream: str, *, since: datetime | None, until: datetime, cursor: str | None
    ) -> bytes:
        """One page of `stream` changed in [since, until) (since=None: everything), as the
        PMS sent it; `parse` reads it."""
        ...

    def close(self) -> None: ...


class FetchError(RepairlinkError):
    """The PMS did not answer a page."""


class TransientFetchError(FetchError, Transient):
    """429, 5xx, a timeout: worth another try, after `retry_after` seconds if the PMS said."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__("sync.pms_unavailable", message)
        self.retry_after = retry_after
        self.pms_status = status


class TerminalFetchError(FetchError, Terminal):
    """Bad credentials, a refused agency reference...: retrying will not help."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__("sync.pms_refused", message)
        self.pms_status = status
