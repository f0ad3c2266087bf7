"""Small parsers for form input, with errors that name the field (principle 8)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from repairlink.errors import InvalidError
from repairlink.web.render import LOCAL


def pence(text: str, *, field: str, rule: str | None = None) -> int:
    """'120.50' or '£120.50' -> 12050."""
    cleaned = text.strip().lstrip("£").replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidError(
            "form.bad_amount", f"'{text}' is not an amount in pounds", field=field, rule=rule
        ) from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidError(
            "form.bad_amount", "Give pounds and pence, not below zero", field=field, rule=rule
        )
    return int(amount * 100)


def local_datetime(text: str, *, field: str, rule: str | None = None) -> datetime:
    """A datetime-local input ('2026-11-25T09:30'), read as UK time."""
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidError(
            "form.bad_datetime", "Give a date and a time", field=field, rule=rule
        ) from None
    return naive.replace(tzinfo=LOCAL) if naive.tzinfo is None else naive
