"""A mail catcher: a real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives in
memory instead of passing it on. `repairlink serve --demo` runs one inside the process and the
console's Mail page shows what it caught; the tests run one to receive what the hub sends."""

from __future__ import annotations

import itertools
import socket
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

KEPT = 500  # the newest messages; older ones are forgotten


@dataclass(frozen=True)
class Caught:
    number: int
    at: datetime
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"] or "")

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    def body(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return "" if part is None else str(part.get_content())


class Mailbox:
    """What the catcher received, newest last. Handlers may refuse mail (tests of outages)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: deque[Caught] = deque(maxlen=KEPT)
        self._numbers = itertools.count(1)
        self.refuse_with: str | None = None  # e.g. "451 4.3.0 Try again later"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_with is not None:
            return self.refuse_with
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self._messages.append(
                Caught(
                    next(self._numbers),
                    datetime.now(UTC),
                    str(envelope.mail_from),
                    tuple(envelope.rcpt_tos),
                    parsed,
                )
            )
        return "250 Message accepted for delivery"

    def messages(self) -> list[Caught]:
        with self._lock:
            return list(self._messages)

    def get(self, number: int) -> Caught | None:
        return next((m for m in self.messages() if m.number == number), None)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


class Catcher:
    """`with Catcher(port) as box:` an SMTP server on 127.0.0.1:port (0: any free port)."""

    def __init__(self, port: int = 0, mailbox: Mailbox | None = None) -> None:
        self.mailbox = mailbox or Mailbox()
        self._any_port = not port
        self.port = port or free_port()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> Catcher:
        # Another process may take a probed free port before the server binds it: try others.
        tries = 5 if self._any_port else 1
        for attempt in range(1, tries + 1):
            try:
                self._controller.start()
                break
            except OSError:
                if attempt == tries:
                    raise
                self.port = free_port()
                self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        return self

    def stop(self) -> None:
        self._controller.stop()
        if self.mailbox in _running:
            _running.remove(self.mailbox)

    def __enter__(self) -> Mailbox:
        self.start()
        return self.mailbox

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_running: list[Mailbox] = []


def caught() -> Mailbox | None:
    """The mailbox of the catcher running in this process, if any (the Mail page shows it)."""
    return _running[0] if _running else None


def run_in_process(port: int) -> Catcher:
    """Start the process's catcher; its mailbox is what `caught()` answers until stopped."""
    catcher = Catcher(port).start()
    _running.insert(0, catcher.mailbox)
    return catcher
