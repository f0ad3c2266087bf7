"""The bridge's pushed items -> our records: a property as a unit, a resident as an occupier
and their tenancy at the property (move-in and move-out as its dates, active derived from
them: PX-03), a work order as an issue. PMS facts the rules read go to `attrs`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.item_fields import BadField
from repairlink.pms.set_aside import set_aside

Json = dict[str, Any]


def _id(item: Json, key: str) -> str:
    value = item.get(key)
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        raise BadField(key, "is required")
    if not isinstance(value, str | int):
        raise BadField(key, "must be a string or a whole number")
    return str(value)


def _text(item: Json, key: str, *, required: bool = False) -> str:
    value = item.get(key)
    if value is None:
        if required:
            raise BadField(key, "is required")
        return ""
    if not isinstance(value, str):
        raise BadField(key, "must be a string")
    return value


def _day(item: Json, key: str, *, required: bool = False) -> date | None:
    value = item.get(key)
    if value is None:
        if required:
            raise BadField(key, "is required")
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BadField(key, f"must be a date (YYYY-MM-DD), not {value!r}") from None


def _malformed(kind: str, item: Any, exc: BadField) -> Malformed:
    return set_aside(kind, item, exc, identify=_named)


def _named(item: Json) -> str:
    """An item without its id, told by its name, the resident's names or the work's summary."""
    names = (item.get("name"), item.get("firstName"), item.get("lastName"), item.get("summary"))
    said = " ".join(str(n) for n in names if n)[:60]
    return f"named {said}" if said else ""


def unit(item: Json) -> list[Incoming | Malformed]:
    """PX-02: a hidden property is inactive."""
    try:
        hidden = item.get("hidden", False)
        if not isinstance(hidden, bool):
            raise BadField("hidden", "must be true or false")
        return [
            Incoming(
                kind="unit",
                external_id=_id(item, "id"),
                fields={
                    "line1": _text(item, "name", required=True),
                    "town": _text(item, "city"),
                    "postcode": _text(item, "postcode"),
                    "active": not hidden,
                },
                attrs={"assigned_user": str(item.get("assignedUserId") or "")},
            )
        ]
    except BadField as exc:
        return [_malformed("unit", item, exc)]


def resident(item: Json) -> list[Incoming | Malformed]:
    """PX-03: the occupier (names and contacts, set once) and their tenancy at the property
    (the dates and the unit, which may change; active while today is between them)."""
    try:
        resident_id, property_id = _id(item, "id"), _id(item, "propertyId")
        move_in, move_out = _day(item, "moveIn", required=True), _day(item, "moveOut")
        today = datetime.now(UTC).date()
        assert move_in is not None
        living = move_in <= today and (move_out is None or today < move_out)
        occupier = Incoming(
            kind="occupier",
            external_id=resident_id,
            fields={
                "first_name": _text(item, "firstName"),
                "surname": _text(item, "lastName", required=True),
                "email": _text(item, "email") or None,
                "phone": _text(item, "phone") or None,
            },
            links={"_unit": ("unit", property_id)},
        )
        tenancy = Incoming(
            kind="tenancy",
            external_id=resident_id,
            fields={"start_date": move_in, "end_date": move_out, "active": living},
            links={"unit_id": ("unit", property_id), "occupier_id": ("occupier", resident_id)},
        )
        return [occupier, tenancy]
    except BadField as exc:
        return [_malformed("occupier", item, exc)]


def work_order(item: Json) -> list[Incoming | Malformed]:
    """A work order raised in the PMS becomes an issue (PX-04 decides which; PX-05: never
    updated afterwards)."""
    try:
        summary = _text(item, "summary", required=True)
        return [
            Incoming(
                kind="issue",
                external_id=_id(item, "id"),
                fields={
                    "title": summary[:200],
                    "description": _text(item, "description"),
                    "priority": "normal",
                },
                attrs={
                    "assignee": str(item.get("assigneeId") or ""),
                    "number": _text(item, "number"),
                    "status": _text(item, "status"),
                },
                links={"unit_id": ("unit", _id(item, "propertyId"))},
            )
        ]
    except BadField as exc:
        return [_malformed("issue", item, exc)]
