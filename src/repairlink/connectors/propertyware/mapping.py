"""Propertyware's payloads -> our records. Shapes as in Propertyware's OpenAPI (research §4.2).

A unit's address and fields are written when it is created; what Propertyware says of it
later (its building, portfolio, manager, status) is its integration data (PW-06). A lease
brings its tenants (occupiers, only while it is active: PW-02) and a tenancy for each (PW-05).
A work order brings the facts PW-04's filters read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from repairlink.pms.incoming import Incoming, Malformed

Json = dict[str, Any]
PRIORITIES = {"HIGH": "high", "MEDIUM": "normal", "LOW": "low"}


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


def unit(item: Json) -> list[Incoming | Malformed]:
    try:
        address = item["address"]
        return [
            Incoming(
                kind="unit",
                external_id=str(item["id"]),
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
                        "modified": item["lastModifiedDateTime"],
                    },
                },
                archived=not item["active"],
            )
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        return [_malformed("unit", item, exc)]


def lease(item: Json) -> list[Incoming | Malformed]:
    """Each tenant on the lease as an occupier, and their tenancy at the unit."""
    try:
        lease_id, unit_id = str(item["id"]), str(item["unitID"])
        active = bool(item["active"])
        move_in, move_out = _date(item.get("moveInDate")), _date(item.get("moveOutDate"))
        out: list[Incoming | Malformed] = []
        for person in item.get("contacts") or []:
            person_id = str(person["id"])
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
                "start_date": _date(item["startDate"]),
                "end_date": _date(item.get("endDate")),
                "periodic": False,
                "active": active,
            }
            links = {"unit_id": ("unit", unit_id), "occupier_id": ("occupier", person_id)}
            out.append(Incoming("tenancy", f"{lease_id}:{person_id}", tenancy, links=links))
        return out
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        return [_malformed("tenancy", item, exc)]


def work_order(item: Json) -> list[Incoming | Malformed]:
    try:
        description = _text(item.get("description"))
        links = {"unit_id": ("unit", str(item["unitID"]))}
        if item.get("requestedByContactID"):
            links["reporter_occupier_id"] = ("occupier", str(item["requestedByContactID"]))
        fields = {
            "title": (description or _text(item.get("category")) or "Work order")[:255],
            "description": description,
            "category": _text(item.get("category")),
            "priority": PRIORITIES.get(str(item.get("priority")), "normal"),
        }
        attrs = {"managed_by": item.get("managedBy"), "owner_email": item.get("ownerEmail")}
        record = Incoming("issue", str(item["id"]), fields, attrs=attrs, links=links)
        record.optional_links = ("reporter_occupier_id",)  # a resident we may not hold
        return [record]
    except (KeyError, TypeError, AttributeError) as exc:
        return [_malformed("issue", item, exc)]


def _malformed(kind: str, item: Any, exc: Exception) -> Malformed:
    """S-04: say which field was wrong, keep the payload for the agent to read."""
    payload = item if isinstance(item, dict) else {"value": repr(item)}
    what = f"missing field {exc}" if isinstance(exc, KeyError) else f"bad value: {exc}"
    return Malformed(kind, str(payload.get("id", "?")), what, payload)
