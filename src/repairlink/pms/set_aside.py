"""A PMS item a mapping could not read, as the record set aside for it (S-04): its reason names
the field and what was wrong in words (`pms.item_fields`), never a Python error; a record
without its own id is told by another field it has, or else by its place on its page. The
technical detail goes to the log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.item_fields import BadField, Json

log = logging.getLogger(__name__)
Identify = Callable[[Json], str]


def reason_for(error: Exception) -> str:
    """What a person is told: a `BadField` names the field; a key a mapping read without the
    kit is still a missing field; anything else is said plainly (and logged in full)."""
    if isinstance(error, BadField):
        return error.reason
    if isinstance(error, KeyError) and error.args:
        return f"{error.args[0]} is missing"
    return "a field has a value of the wrong type"


def set_aside(
    kind: str,
    item: Any,
    error: Exception,
    *,
    id_keys: tuple[str, ...] = ("id",),
    identify: Identify | None = None,
) -> Malformed:
    """The record set aside for `item`: its id from the first of `id_keys` it has, else the
    words `identify` finds for it (an address, a name); the payload kept for the agent."""
    if not isinstance(error, BadField):
        log.warning("%s item not read: %r", kind, error)
    payload = item if isinstance(item, dict) else {"value": repr(item)}
    external_id = next((str(payload[k]) for k in id_keys if payload.get(k) not in (None, "")), "")
    where = ""
    if not external_id and identify is not None and isinstance(item, dict):
        try:
            where = identify(item)
        except Exception:  # an item too broken to name: its place on the page tells it
            where = ""
    return Malformed(kind, external_id, reason_for(error), payload, where)


def placed(records: list[Incoming | Malformed], number: int) -> list[Incoming | Malformed]:
    """`records` from the `number`th item of a page: one set aside with nothing to tell it by
    is told by that place."""
    for record in records:
        if isinstance(record, Malformed) and not record.external_id and not record.where:
            record.where = f"item {number} on its page"
    return records


def map_items(
    mapper: Callable[[Any], list[Incoming | Malformed]], items: Iterable[Any]
) -> list[Incoming | Malformed]:
    """A page's items through `mapper`, in order."""
    records: list[Incoming | Malformed] = []
    for number, item in enumerate(items, 1):
        records.extend(placed(mapper(item), number))
    return records
