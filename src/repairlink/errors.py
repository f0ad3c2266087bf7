"""The one error model: a dotted code, a message for people, the field, the SPEC rule id.

The API renders these as RFC 9457 problems, the CLI as one red line. `Transient` and
`Terminal` mark whether retrying can help, so jobs and the sync engine never switch on class.
"""

from __future__ import annotations


class RepairlinkError(Exception):
    status = 400

    def __init__(
        self, code: str, message: str, *, field: str | None = None, rule: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.rule = rule

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        rule = f" ({self.rule})" if self.rule else ""
        return f"{self.message}{where}{rule}"


class InvalidError(RepairlinkError):
    """Input breaks a rule; nothing was changed."""

    status = 422


class NotFoundError(RepairlinkError):
    """The record does not exist, or belongs to another agency (C-01: both look the same)."""

    status = 404


class ConflictError(RepairlinkError):
    """The request is well-formed but the record's state forbids it (e.g. an illegal transition)."""

    status = 409


class ForbiddenError(RepairlinkError):
    status = 403


class UnauthenticatedError(RepairlinkError):
    status = 401


class Transient:
    """Marker: retrying later may succeed."""


class Terminal:
    """Marker: retrying will not help."""


class ThrottledError(RepairlinkError):
    """Too many attempts: try again after `retry_after_s` seconds (sent as Retry-After)."""

    status = 429

    def __init__(self, code: str, message: str, *, retry_after_s: int, field: str | None = None):
        super().__init__(code, message, field=field)
        self.retry_after_s = retry_after_s
