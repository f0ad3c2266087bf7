"""What the way out says to a PMS it cannot call: the work-order commands a bridge client (the
agency's browser extension, a script) polls, applies in the PMS and acknowledges.

A connector whose PMS is reached this way has an outbound class that answers each capability
from the client's acknowledgements (`answers`, by the command's key) and otherwise raises
`AwaitingClient` with the command to hand out; `NotSent` says why nothing goes (PX-06). The
outbound engine runs unchanged: each acknowledgement replays the event's steps, and those
already answered are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from repairlink.pms.connector import Connector
from repairlink.pms.streams import Stream


@dataclass(frozen=True)
class Command:
    key: str  # "<event id>:<step>": unique per event and step; the client de-duplicates on it
    op: str  # "create_work_order" | "update_work_order"
    body: dict[str, Any]


class AwaitingClient(Exception):
    """The step needs the client: hand it this command and wait for its acknowledgement."""

    def __init__(self, command: Command) -> None:
        super().__init__(command.op)
        self.command = command


class NotSent(Exception):
    """Nothing goes to the PMS for this event, for this reason (said on the issue)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@runtime_checkable
class ClientDriven(Protocol):
    """An outbound class driven by a bridge client's acknowledgements."""

    answers: Mapping[str, Mapping[str, Any]]


class PageSource(Protocol):
    """The pages a bridge client pushes into an open run, stream by stream, as it pushes them."""

    def take(self, stream: str) -> bytes | None:
        """The stream's next page (`{"items": [...]}` as pushed), waiting for the client if
        it has not pushed it yet; None: the stream is over."""
        ...


@runtime_checkable
class Pushable(Protocol):
    """A connector class whose pages a bridge client pushes: `pushed` builds one that answers
    the pushed page on its stream (and nothing on the others); `session`, one that answers
    each stream's pages as the client pushes them into an open run."""

    streams: tuple[Stream, ...]

    def pushed(self, config: Any, stream: str, body: bytes) -> Connector: ...

    def session(self, config: Any, source: PageSource) -> Connector: ...
