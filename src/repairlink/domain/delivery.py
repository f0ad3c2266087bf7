"""What one attempt at sending an event somewhere came to (S-01): the ledger records it, the
agent reads it as the issue's sync status (PW-10) and the webhook delivery log (S-02)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Learned:
    """A destination's id for one of our records, learned while sending (a works order's, an
    attached document's...). It is kept as an external reference in the transaction that
    records the attempt: one commit, not one per id."""

    system: str
    kind: str  # our record's kind: issue, document, charge, issue_pdf
    entity_id: int
    external_id: str


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
    # refused before the destination could act (429, 503, connection refused): it made nothing,
    # so a retry need not look for what this attempt made
    refused: bool = False
    learned: tuple[Learned, ...] = ()  # kept even when a later step failed

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
        refused: bool = False,
    ) -> Outcome:
        return cls(
            ok=False,
            error=error,
            status_code=status_code,
            retry_after=retry_after,
            terminal=terminal,
            refused=refused,
        )
