"""Alto's payloads -> our records (AL-03..AL-07 field lists). Shapes as in Alto's OpenAPI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from repairlink.pms.incoming import Incoming, Malformed

Json = dict[str, Any]
OneMapper = Callable[[Json], "Incoming | Malformed"]
LIVE_TENANCY = {"active", "periodic"}


def _address_line(address: Json | None) -> str:
    if not address:
        return ""
    number = address.get("nameNo") or address.get("nameNumber")  # Alto spells it both ways
    parts = [address.get("subDwelling"), number]
    parts += [address.get(k) for k in ("street", "locality", "town", "postcode")]
    return ", ".join(str(p) for p in parts if p)


def _date(value: str | None) -> date | None:
    return datetime.fromisoformat(value).date() if value else None


def unit(item: Json) -> Incoming | Malformed:
    """AL-03: id and OID as the reference, flat or room, address lines 1-3, postcode, town,
    county. The AL-02 facts go to `attrs` for the profile's filters."""
    try:
        address = item["address"]
        line1 = " ".join(str(p) for p in (address.get("nameNo"), address.get("street")) if p)
        return Incoming(
            kind="unit",
            external_id=str(item["inventoryId"]),
            external_oid=item.get("oid"),
            fields={
                "flat": address.get("subDwelling") or "",
                "line1": line1,
                "line2": address.get("locality") or "",
                "line3": "",
                "town": address.get("town") or "",
                "county": address.get("county") or "",
                "postcode": address.get("postcode") or "",
            },
            attrs={
                "record_type": item["recordType"],
                "management_type": item["managementType"],
                "maintenance": item["maintenanceType"],
                "status": item["status"],
                "category": item["categoryType"],
            },
        )
    except (KeyError, TypeError, AttributeError) as exc:
        return _malformed("unit", item, "inventoryId", exc)


def _person_fields(person: Json, item: Json) -> Json:
    emails = person.get("emailAddresses") or []
    phones = person.get("telephoneNumbers") or []
    return {
        "title": person.get("title") or "",
        "first_name": person.get("forename") or "",
        "surname": person.get("surname") or "",
        "company": item.get("companyName") or "",
        "email": emails[0] if emails else None,
        "phone": phones[0] if phones else None,
        "phone2": phones[1] if len(phones) > 1 else None,
        "address": _address_line(item.get("address")),
    }


def landlord(item: Json) -> list[Incoming | Malformed]:
    """AL-06: the landlord, and a link to each property they own."""
    try:
        landlord_id = str(item["id"])
        people = item["people"]
        record = Incoming(
            kind="landlord",
            external_id=landlord_id,
            external_oid=item.get("oid"),
            fields=_person_fields(people[0] if people else {}, item),
            attrs={"user_type": item.get("userType")},
            archived=not item["active"],
        )
        links: list[Incoming | Malformed] = [
            Incoming(
                kind="unit_landlord",
                external_id=f"{landlord_id}:{place['id']}",
                fields={"primary": True},
                links={
                    "unit_id": ("unit", str(place["id"])),
                    "landlord_id": ("landlord", landlord_id),
                },
            )
            for place in item.get("properties") or []
        ]
        return [record, *links]
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        return [_malformed("landlord", item, "id", exc)]


def contractor(item: Json) -> Incoming | Malformed:
    """AL-07: id and OID, title, names, company, email, phone numbers, trades."""
    try:
        people = item["people"]
        fields = _person_fields(people[0] if people else {}, item)
        fields["trades"] = [str(t) for t in item["providedServices"]]
        return Incoming(
            kind="contractor",
            external_id=str(item["id"]),
            external_oid=item.get("oid"),
            fields=fields,
            archived=not item["active"],
        )
    except (KeyError, TypeError, AttributeError) as exc:
        return _malformed("contractor", item, "id", exc)


def tenancy(item: Json) -> list[Incoming | Malformed]:
    """AL-04: each tenant of the tenancy as an occupier, and their tenancy at the property."""
    try:
        tenancy_id, property_id = str(item["id"]), str(item["propertyId"])
        status = str(item.get("status") or "").lower()
        live = status in LIVE_TENANCY
        out: list[Incoming | Malformed] = []
        for tenant in item.get("tenants") or []:
            tenant_id = str(tenant["id"])
            out.append(
                Incoming(
                    kind="occupier",
                    external_id=tenant_id,
                    fields=_occupier_fields(tenant, tenant, tenant.get("email")),
                    attrs={"tenancy_live": live},
                    links={"_unit": ("unit", property_id)},
                    archived=bool(tenant.get("archived")),
                )
            )
            out.append(
                Incoming(
                    kind="tenancy",
                    external_id=f"{tenancy_id}:{tenant_id}",
                    fields={
                        "start_date": _date(item["startDate"]),
                        "end_date": _date(item.get("endDate")),
                        "periodic": status == "periodic",
                        "active": live,
                    },
                    links={
                        "unit_id": ("unit", property_id),
                        "occupier_id": ("occupier", tenant_id),
                    },
                )
            )
        return out
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        return [_malformed("tenancy", item, "id", exc)]


def _occupier_fields(person: Json, item: Json, email: str | None) -> Json:
    phones = [p["number"] for p in person.get("phoneNumbers") or [] if p.get("number")]
    return {
        "title": person.get("title") or "",
        "first_name": person.get("forename") or "",
        "surname": person.get("surname") or "",
        "company": item.get("companyName") or "",
        "email": email,
        "phone": phones[0] if phones else person.get("phone"),
        "phone2": phones[1] if len(phones) > 1 else None,
        "address": _address_line(item.get("address")),
    }


def tenant_contact(item: Json) -> Incoming | Malformed:
    """A tenant's own changes (name, email, archived) do not touch their tenancy, so they are
    read from the contacts list. Such a record updates an occupier we hold; it never creates
    one: the tenancy decides that (AL-04)."""
    try:
        person = item["people"][0]
        emails = [e["address"] for e in person.get("emailAddresses") or [] if e.get("address")]
        return Incoming(
            kind="occupier",
            external_id=str(item["id"]),
            fields=_occupier_fields(person, item, emails[0] if emails else None),
            archived=bool(item["archived"]),
            update_only="AL-04",
        )
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        return _malformed("occupier", item, "id", exc)


def _malformed(kind: str, item: Any, id_key: str, exc: Exception) -> Malformed:
    """S-04: say which field was wrong, keep the payload for the agent to read."""
    payload = item if isinstance(item, dict) else {"value": repr(item)}
    external_id = str(payload.get(id_key, "?"))
    what = f"missing field {exc}" if isinstance(exc, KeyError) else f"bad value: {exc}"
    return Malformed(kind, external_id, what, payload)
