"""Propertyware's payloads -> our records. Shapes as in Propertyware's OpenAPI (research §4.2).

A unit's address and fields are written when it is created; what Propertyware says of it
later (its building, portfolio, manager, status) is its integration data (PW-06). A lease
brings its tenants (occupiers, only while it is active: PW-02) and a tenancy for each (PW-05).
A work order brings the facts PW-04's filters read.
"""

from __future__ import annotations

from typing import Any

from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.item_fields import BadField, day, ident, obj, objects, required, within
from repairlink.pms.set_aside import set_aside

Json = dict[str, Any]
PRIORITIES = {"HIGH": "high", "MEDIUM": "normal", "LOW": "low"}
# what a mapping may meet in an item it reads without the kit; `set_aside` says it plainly
UNREAD = (BadField, KeyError, TypeError, AttributeError, IndexError, ValueError)


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


def _at_address(item: Json) -> str:
    """A unit without its id, told by its name and address."""
    address = obj(item, "address")
    parts = [item.get("name"), address.get("address"), address.get("city")]
    line = ", ".join(str(p) for p in parts if p)
    return f"at {line}" if line else ""


def _of_lease(item: Json) -> str:
    """A lease without its id, told by its unit and its tenants' names."""
    names = [
        " ".join(str(n) for n in (p.get("firstName"), p.get("lastName")) if n)
        for p in objects(item, "contacts")
    ]
    at = f"at unit {item['unitID']}" if item.get("unitID") else ""
    named = f"tenants {' and '.join(n for n in names if n)}" if any(names) else ""
    return ", ".join(p for p in (at, named) if p)


def _of_work_order(item: Json) -> str:
    """A work order without its id, told by its number or description."""
    if item.get("number"):
        return f"number {item['number']}"
    said = str(item.get("description") or "")[:60]
    return f"described as {said}" if said else ""


def unit(item: Json) -> list[Incoming | Malformed]:
    try:
        address = obj(item, "address")
        return [
            Incoming(
                kind="unit",
                external_id=ident(item, "id"),
                fields={
                    "flat": _text(item.get("name")),
                    "line1": _text(address.get("address")),
                    "line2": "",
                    "line3": "",
                    "town": _text(address.get("city")),
                    "county": _text(address.get("stateRegion")),
                    "postcode": _text(address.get("postalCode")),
                    "country": _text(address.get("country") or "US")[:2],
                    "integration_data": {
                        "building_id": item.get("buildingID"),
                        "portfolio_id": item.get("portfolioID"),
                        "manager_user_id": item.get("propertyManagerID"),
                        "status": item.get("status"),
                        "lease_id": item.get("leaseID"),
                        "modified": required(item, "lastModifiedDateTime"),
                    },
                },
                archived=not required(item, "active"),
            )
        ]
    except UNREAD as exc:
        return [set_aside("unit", item, exc, identify=_at_address)]


def lease(item: Json) -> list[Incoming | Malformed]:
    """Each tenant on the lease as an occupier, and their tenancy at the unit."""
    try:
        lease_id, unit_id = ident(item, "id"), ident(item, "unitID")
        active = bool(required(item, "active"))
        move_in = day(item, "moveInDate", optional=True)
        move_out = day(item, "moveOutDate", optional=True)
        contacts = objects(item, "contacts")
        # a lease's dates are read for its tenants' tenancies: one without tenants has none
        start = day(item, "startDate") if contacts else None
        end = day(item, "endDate", optional=True) if contacts else None
        out: list[Incoming | Malformed] = []
        for number, person in enumerate(contacts, 1):
            try:
                person_id = ident(person, "id")
            except BadField as exc:
                raise within("contacts", number, exc) from None
            phones = [p for p in (person.get("mobilePhone"), person.get("homePhone")) if p]
            fields = {
                "first_name": _text(person.get("firstName")),
                "surname": _text(person.get("lastName")),
                "company": _text(person.get("companyName")),
                "email": person.get("email") or None,
                "phone": phones[0] if phones else None,
                "phone2": phones[1] if len(phones) > 1 else None,
                "move_in": move_in,
                "move_out": move_out,
            }
            out.append(
                Incoming(
                    "occupier",
                    person_id,
                    fields,
                    attrs={"lease_active": active},
                    links={"unit_id": ("unit", unit_id)},
                )
            )
            tenancy = {
                "start_date": start,
                "end_date": end,
                "periodic": False,
                "active": active,
            }
            links = {"unit_id": ("unit", unit_id), "occupier_id": ("occupier", person_id)}
            out.append(Incoming("tenancy", f"{lease_id}:{person_id}", tenancy, links=links))
        return out
    except UNREAD as exc:
        return [set_aside("tenancy", item, exc, identify=_of_lease)]


def work_order(item: Json) -> list[Incoming | Malformed]:
    try:
        description = _text(item.get("description"))
        links = {"unit_id": ("unit", ident(item, "unitID"))}
        if item.get("requestedByContactID"):
            links["reporter_occupier_id"] = ("occupier", str(item["requestedByContactID"]))
        fields = {
            "title": (description or _text(item.get("category")) or "Work order")[:255],
            "description": description,
            "category": _text(item.get("category")),
            "priority": PRIORITIES.get(str(item.get("priority")), "normal"),
        }
        attrs = {"managed_by": item.get("managedBy"), "owner_email": item.get("ownerEmail")}
        record = Incoming("issue", ident(item, "id"), fields, attrs=attrs, links=links)
        record.optional_links = ("reporter_occupier_id",)  # a resident we may not hold
        return [record]
    except UNREAD as exc:
        return [set_aside("issue", item, exc, identify=_of_work_order)]
