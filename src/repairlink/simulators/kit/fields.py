"""Checking a write request one field at a time, so that a 400 names the field it is about.

JSON bodies carry typed values; multipart forms carry strings. Each check takes the raw value
and the field's name and returns the value as a simulator keeps it (times as ms since the
epoch, ids as ints, money as Decimal), or raises FieldError.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from . import clock
from .errors import FieldError

# A field's check: (raw value, field name) -> the value as kept, or FieldError.
Rule = Callable[[Any, str], Any]


def check_all(
    body: Mapping[str, Any],
    rules: Mapping[str, Rule],
    *,
    required: Collection[str] = (),
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every field the rules name, checked in their order (the first error is the one
    answered): an absent field takes its default, or is a 400 if required."""
    values: dict[str, Any] = {}
    for name, rule in rules.items():
        raw = body.get(name)
        if raw is None and defaults is not None and name in defaults:
            values[name] = defaults[name]
        elif raw is None and name in required:
            raise FieldError(name, "is required.")
        else:
            values[name] = rule(raw, name)
    return values


def text(
    value: Any, name: str, *, required: bool = False, max_length: int | None = None
) -> str | None:
    if value is None:
        if required:
            raise FieldError(name, "is required.")
        return None
    if not isinstance(value, str):
        raise FieldError(name, "must be a string.")
    if required and not value.strip():
        raise FieldError(name, "must not be empty.")
    if max_length is not None and len(value) > max_length:
        raise FieldError(name, f"must be at most {max_length} characters.")
    return value


def moment(value: Any, name: str, *, required: bool = False) -> int | None:
    """An ISO-8601 date or date-time, kept as ms; without an offset it is UTC."""
    if value is None or value == "":
        if required:
            raise FieldError(name, "is required.")
        return None
    if not isinstance(value, str):
        raise FieldError(name, "must be an ISO-8601 date-time string.")
    try:
        return clock.parse(value)
    except ValueError as error:
        raise FieldError(name, f"is not an ISO-8601 date-time: {value!r}.") from error


def number(value: Any, name: str) -> float | None:
    # bool is an int in Python but never a number on the wire.
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FieldError(name, "must be a number.")
    return float(value)


def record_id(value: Any, name: str) -> int | None:
    """An id: a string of digits (as Alto's schemas type ids) or a JSON integer."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise FieldError(name, "must be an id (digits).")


def money(value: Any, name: str) -> Decimal | None:
    """Pounds as a decimal string ("120.00"): not negative, at most two decimal places."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise FieldError(name, f"must be a decimal amount in pounds, not {value!r}.") from error
    if not amount.is_finite() or amount < 0:
        raise FieldError(name, "must be a finite amount, zero or more.")
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldError(name, "must have at most two decimal places.")
    return amount


def boolean(value: Any, name: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise FieldError(name, "must be true or false.")


def whole(value: Any, name: str) -> int | None:
    """A count of days and the like: a non-negative integer."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise FieldError(name, "must be a whole number, zero or more.")


def one_of(value: Any, name: str, values: tuple[str, ...], *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise FieldError(name, "is required.")
        return None
    if value not in values:
        raise FieldError(name, f"must be one of {', '.join(values)}.")
    return str(value)
