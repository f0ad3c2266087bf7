"""Checking a value an admin edit lays over a record: the field's type, or its vocabulary.

Admin edits play the agency's staff, who cannot type a word into a number field: a value of
the wrong type is refused (400), since serving broken records is the fault plan's job.
"""

from __future__ import annotations

from .errors import BadRequest


def typed(name: str, value: object, current: object) -> object:
    """`value`, if it has the type of the field's `current` value (or either is null)."""
    if value is None or current is None:
        return value
    if isinstance(current, bool) or isinstance(value, bool):
        if type(current) is not type(value):
            raise BadRequest(f"{name} must be a {type(current).__name__}")
        return value
    if isinstance(current, int | float) and isinstance(value, int | float):
        return type(current)(value)
    if type(current) is not type(value):
        raise BadRequest(f"{name} must be a {type(current).__name__}")
    return value


def enum_code(values: tuple[str, ...], name: str, value: object) -> int:
    """The code of one of the PMS's values for an enum field."""
    if value not in values:
        raise BadRequest(f"{name} must be one of {', '.join(values)}")
    return values.index(str(value))
