"""What one attempt at sending an event somewhere came to (S-01): the ledger records it, the
agent reads it as the issue's sync status (PW-10) and the webhook delivery log (S-02)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What one attempt at a delivery came to."""

    ok: bool
    note: str = ""  # for people: what the destination made of it
    skipped: bool = False  # nothing to send, by a rule (the note says which)
    error: str = ""
    status_code: int | None = None
    retry_after: float | None = None  # the destination asked us to wait this long
    terminal: bool = False  # retrying cannot help: dead-letter now

    @classmethod
    def sent(cls, note: str = "", status_code: int | None = None) -> Outcome:
        return cls(ok=True, note=note, status_code=status_code)

    @classmethod
    def skip(cls, note: str) -> Outcome:
        return cls(ok=True, skipped=True, note=note)

    @classmethod
    def failed(
        cls,
        error: str,
        *,
        status_code: int | None = None,
        retry_after: float | None = None,
        terminal: bool = False,
    ) -> Outcome:
        return cls(
            ok=False,
            error=error,
            status_code=status_code,
            retry_after=retry_after,
            terminal=terminal,
        )
