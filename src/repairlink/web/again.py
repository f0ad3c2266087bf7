"""A refused form comes back as it was sent (principle 8): its page drawn again with what the
person typed and the reason naming the field by its label, answered 422 (or 409, 404), not a
redirect that loses the text. A browser cannot be sent files back: the reason says so."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from repairlink.domain.formats import Formats
from repairlink.errors import ConflictError, InvalidError, NotFoundError, RepairlinkError
from repairlink.web.plain import refusal

# What a form can be refused for and still be shown again; a refusal of the page itself
# (forbidden, no login) goes to the one error model in web.errors.
FORM_REFUSALS = (InvalidError, ConflictError, NotFoundError)
FILES_NOT_KEPT = "The files you chose were not kept: choose them again."


@dataclass(frozen=True)
class Sent:
    """The values of the refused form (`form` names it among the page's forms)."""

    form: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)

    def of(self, form: str) -> Mapping[str, Any]:
        return self.values if form == self.form else {}


NOTHING = Sent()


def as_sent(sent: Sent, error: str) -> dict[str, Any]:
    """A page's context for its form drawn again: the values as sent and the reason (with none,
    the page's own notices stand)."""
    return {"sent": sent, **({"error": error} if error else {})}


def reason(
    exc: RepairlinkError,
    *,
    had_files: bool = False,
    form: str = "",
    formats: Formats | None = None,
) -> str:
    """Why, naming the field by its label on `form` (the form's path: web.plain), the tax on
    costs as the agency names it (`formats`)."""
    said = refusal(exc, form, formats=formats)
    return f"{said.rstrip('.')}. {FILES_NOT_KEPT}" if had_files else said
