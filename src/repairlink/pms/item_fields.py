"""Reading a PMS item's fields so that a bad one is named, with what was wrong in words a
property manager reads (S-04): `address: expected an object, got text ('see file')`,
`startDate: not a date ('31/02/2024')`, `inventoryId is missing`. A mapping reads its item
through these; `pms.set_aside` turns the `BadField` they raise into the record's reason."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

Json = dict[str, Any]
SHOWN = 40  # characters of a wrong value quoted in a reason


class BadField(ValueError):
    """The PMS field `field` (its own name, dotted within an object) and what was wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem

    @property
    def reason(self) -> str:
        # "is missing" reads as a sentence after the name; any other problem after a colon
        if self.problem.startswith("is "):
            return f"{self.field} {self.problem}"
        return f"{self.field}: {self.problem}"


def quoted(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")


def described(value: Any) -> str:
    """A JSON value's type in words, with the value where it is short: 'text ('see file')'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({quoted(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return quoted(value)


def required(item: Json, key: str) -> Any:
    """The value at `key`, which must be there (an empty string counts as missing)."""
    value = item.get(key)
    if value is None or value == "":
        raise BadField(key, "is missing")
    return value


def ident(item: Json, key: str) -> str:
    """An id or reference: text or a whole number, as text."""
    value = required(item, key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadField(key, f"expected an id, got {described(value)}")
    return str(value)


def obj(item: Json, key: str, *, optional: bool = False) -> Json:
    """The object at `key`; {} for an optional one that is absent."""
    value = item.get(key)
    if value is None and optional:
        return {}
    if value is None:
        raise BadField(key, "is missing")
    if not isinstance(value, dict):
        raise BadField(key, f"expected an object, got {described(value)}")
    return value


def objects(item: Json, key: str) -> list[Json]:
    """The list of objects at `key` ([] when absent)."""
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadField(key, f"expected a list, got {described(value)}")
    for number, each in enumerate(value, 1):
        if not isinstance(each, dict):
            raise BadField(f"{key} {number}", f"expected an object, got {described(each)}")
    return value


def within(key: str, number: int, error: BadField) -> BadField:
    """A field of the `number`th object in the list at `key`, named from the item's top."""
    return BadField(f"{key} {number}.{error.field}", error.problem)


def day(item: Json, key: str, *, optional: bool = False) -> date | None:
    """A date, or a time stamp read as its date (ISO 8601 as the PMSs send them)."""
    value = item.get(key)
    if value is None or value == "":
        if optional:
            return None
        raise BadField(key, "is missing")
    if not isinstance(value, str):
        raise BadField(key, f"expected a date, got {described(value)}")
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise BadField(key, f"not a date ({quoted(value)})") from None
