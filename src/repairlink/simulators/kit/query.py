"""Reading a list's filter parameters into checks on a table's compact columns.

A `Keep` says whether a slot belongs in the answer; list endpoints combine the ones their
parameters ask for. A parameter the PMS would reject is a `BadRequest` (400).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from . import clock
from .errors import BadRequest
from .table import Table

Keep = Callable[[int], bool]


def flag(params: Mapping[str, str], name: str) -> bool | None:
    """`true` or `false` (any case); absent or empty means no filter."""
    value = params.get(name)
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise BadRequest(f"{name} must be true or false.")
    return lowered == "true"


def choice(params: Mapping[str, str], name: str, values: tuple[str, ...]) -> int | None:
    """An enum parameter's code (its index in `values`, matched in any case); absent, empty
    or "Unspecified" means no filter."""
    value = params.get(name)
    if value is None or value == "" or value == "Unspecified":
        return None
    for code, known in enumerate(values):
        if known.lower() == value.lower():
            return code
    raise BadRequest(f"{name} must be one of {', '.join(values)}.")


def moment(params: Mapping[str, str], name: str | None) -> int | None:
    """An ISO-8601 date-time parameter as ms; None when the endpoint has no such parameter."""
    value = None if name is None else params.get(name)
    if value is None or value == "":
        return None
    try:
        return clock.parse(value)
    except ValueError as error:
        raise BadRequest(f"{name} must be an ISO-8601 date-time, not {value!r}.") from error


def code_is(table: Table, field: str, code: int | None) -> Keep | None:
    """Keep the slots whose `field` has `code`; no check when `code` is None."""
    if code is None:
        return None
    column = table.codes[field]
    return lambda slot: column[slot] == code


def all_of(*keeps: Keep | None) -> Keep | None:
    """Keep what every given check keeps; None (keep all) when none is given."""
    active = [keep for keep in keeps if keep is not None]
    if not active:
        return None
    if len(active) == 1:
        return active[0]
    return lambda slot: all(keep(slot) for keep in active)
