"""Alto's payloads -> our records (AL-03..AL-07 field lists). Shapes as in Alto's OpenAPI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.item_fields import (
    BadField,
    day,
    described,
    ident,
    obj,
    objects,
    required,
    within,
)
from repairlink.pms.set_aside import set_aside

Json = dict[str, Any]
OneMapper = Callable[[Json], "Incoming | Malformed"]
LIVE_TENANCY = {"active", "periodic"}
# what a mapping may meet in an item it reads without the kit; `set_aside` says it plainly
UNREAD = (BadField, KeyError, TypeError, AttributeError, IndexError, ValueError)


def _address_line(address: Json) -> str:
    number = address.get("nameNo") or address.get("nameNumber")  # Alto spells it both ways
    parts = [address.get("subDwelling"), number]
    parts += [address.get(k) for k in ("street", "locality", "town", "postcode")]
    return ", ".join(str(p) for p in parts if p)


def _at_address(item: Json) -> str:
    """A record without its id, told by its address."""
    line = _address_line(obj(item, "address"))
    return f"at {line}" if line else ""


def _person_name(person: Json) -> str:
    return " ".join(str(n) for n in (person.get("forename"), person.get("surname")) if n)


def _named(item: Json) -> str:
    """A contact without its id, told by its company or its first person's name."""
    people = objects(item, "people")
    name = item.get("companyName") or (_person_name(people[0]) if people else "")
    return f"named {name}" if name else ""


def _of_tenancy(item: Json) -> str:
    """A tenancy without its id, told by its property and its tenants' names."""
    names = [n for n in map(_person_name, objects(item, "tenants")) if n]
    at = f"at property {item['propertyId']}" if item.get("propertyId") else ""
    named = f"tenants {' and '.join(names)}" if names else ""
    return ", ".join(p for p in (at, named) if p)


def unit(item: Json) -> Incoming | Malformed:
    """AL-03: id and OID as the reference, flat or room, address lines 1-3, postcode, town,
    county. The AL-02 facts go to `attrs` for the profile's filters."""
    try:
        address = obj(item, "address")
        line1 = " ".join(str(p) for p in (address.get("nameNo"), address.get("street")) if p)
        return Incoming(
            kind="unit",
            external_id=ident(item, "inventoryId"),
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
                "record_type": required(item, "recordType"),
                "management_type": required(item, "managementType"),
                "maintenance": required(item, "maintenanceType"),
                "status": required(item, "status"),
                "category": required(item, "categoryType"),
            },
        )
    except UNREAD as exc:
        return set_aside("unit", item, exc, id_keys=("inventoryId",), identify=_at_address)


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
        "address": _address_line(obj(item, "address", optional=True)),
    }


def _first_person(item: Json) -> Json:
    if "people" not in item:
        raise BadField("people", "is missing")
    people = objects(item, "people")
    return people[0] if people else {}


def landlord(item: Json) -> list[Incoming | Malformed]:
    """AL-06: the landlord, and a link to each property they own."""
    try:
        landlord_id = ident(item, "id")
        record = Incoming(
            kind="landlord",
            external_id=landlord_id,
            external_oid=item.get("oid"),
            fields=_person_fields(_first_person(item), item),
            attrs={"user_type": item.get("userType")},
            archived=not required(item, "active"),
        )
        links: list[Incoming | Malformed] = []
        for number, place in enumerate(objects(item, "properties"), 1):
            try:
                place_id = ident(place, "id")
            except BadField as exc:
                raise within("properties", number, exc) from None
            links.append(
                Incoming(
                    kind="unit_landlord",
                    external_id=f"{landlord_id}:{place_id}",
                    fields={"primary": True},
                    links={"unit_id": ("unit", place_id), "landlord_id": ("landlord", landlord_id)},
                )
            )
        return [record, *links]
    except UNREAD as exc:
        return [set_aside("landlord", item, exc, identify=_named)]


def contractor(item: Json) -> Incoming | Malformed:
    """AL-07: id and OID, title, names, company, email, phone numbers, trades."""
    try:
        fields = _person_fields(_first_person(item), item)
        services = required(item, "providedServices")
        if not isinstance(services, list):
            raise BadField("providedServices", f"expected a list, got {described(services)}")
        fields["trades"] = [str(t) for t in services]
        return Incoming(
            kind="contractor",
            external_id=ident(item, "id"),
            external_oid=item.get("oid"),
            fields=fields,
            archived=not required(item, "active"),
        )
    except UNREAD as exc:
        return set_aside("contractor", item, exc, identify=_named)


def _tenancy_fields(item: Json) -> Json:
    status = str(item.get("status") or "").lower()
    return {
        "start_date": day(item, "startDate"),
        "end_date": day(item, "endDate", optional=True),
        "periodic": status == "periodic",
        "active": status in LIVE_TENANCY,
    }


def _tenancy_records(
    tenant: Json, fields: Json, tenancy_id: str, property_id: str
) -> list[Incoming | Malformed]:
    """One tenant of the tenancy as an occupier, and their tenancy at the property."""
    tenant_id = ident(tenant, "id")
    occupier = Incoming(
        kind="occupier",
        external_id=tenant_id,
        fields=_occupier_fields(tenant, tenant, tenant.get("email")),
        attrs={"tenancy_live": fields["active"]},
        links={"_unit": ("unit", property_id)},
        archived=bool(tenant.get("archived")),
    )
    tenancy = Incoming(
        kind="tenancy",
        external_id=f"{tenancy_id}:{tenant_id}",
        fields=dict(fields),
        links={"unit_id": ("unit", property_id), "occupier_id": ("occupier", tenant_id)},
    )
    return [occupier, tenancy]


def tenancy(item: Json) -> list[Incoming | Malformed]:
    """AL-04: each tenant of the tenancy as an occupier, and their tenancy at the property."""
    try:
        tenancy_id, property_id = ident(item, "id"), ident(item, "propertyId")
        tenants = objects(item, "tenants")
        fields = _tenancy_fields(item) if tenants else {}  # no tenant: no tenancy to date
        out: list[Incoming | Malformed] = []
        for number, tenant in enumerate(tenants, 1):
            try:
                out += _tenancy_records(tenant, fields, tenancy_id, property_id)
            except BadField as exc:
                raise within("tenants", number, exc) from None
        return out
    except UNREAD as exc:
        return [set_aside("tenancy", item, exc, identify=_of_tenancy)]


def _occupier_fields(person: Json, item: Json, email: str | None) -> Json:
    phones = [p["number"] for p in objects(person, "phoneNumbers") if p.get("number")]
    return {
        "title": person.get("title") or "",
        "first_name": person.get("forename") or "",
        "surname": person.get("surname") or "",
        "company": item.get("companyName") or "",
        "email": email,
        "phone": phones[0] if phones else person.get("phone"),
        "phone2": phones[1] if len(phones) > 1 else None,
        "address": _address_line(obj(item, "address", optional=True)),
    }


def tenant_contact(item: Json) -> Incoming | Malformed:
    """A tenant's own changes (name, email, archived) do not touch their tenancy, so they are
    read from the contacts list. Such a record updates an occupier we hold; it never creates
    one: the tenancy decides that (AL-04)."""
    try:
        people = objects(item, "people")
        if not people:
            raise BadField("people", "is empty")
        person = people[0]
        found = objects(person, "emailAddresses")
        emails = [e["address"] for e in found if e.get("address")]
        return Incoming(
            kind="occupier",
            external_id=ident(item, "id"),
            fields=_occupier_fields(person, item, emails[0] if emails else None),
            archived=bool(required(item, "archived")),
            update_only="AL-04",
        )
    except UNREAD as exc:
        return set_aside("occupier", item, exc, identify=_named)
