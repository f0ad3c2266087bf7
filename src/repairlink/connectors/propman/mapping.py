"""Propman's payloads -> our records (PM-01's field lists). Records name each other by Propman
reference, which is each record's external id; Propman's numeric id is kept as its OID.

An item that lacks a field we need, or carries one of the wrong type, is `Malformed` with the
field named (S-04): quarantined, and the run goes on.
"""

from __future__ import annotations

from typing import Any

from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.item_fields import BadField, day, described, obj, objects, within
from repairlink.pms.set_aside import set_aside

Json = dict[str, Any]
Records = list[Incoming | Malformed]
ADDRESS = ("line1", "line2", "town", "county", "postcode")
# what a mapping may meet in an item it reads without the kit; `set_aside` says it plainly
UNREAD = (BadField, KeyError, TypeError, AttributeError, IndexError, ValueError)


def _text(item: Json, key: str, *, required: bool = False) -> str:
    value = item.get(key)
    if value is None:
        if required:
            raise BadField(key, "is missing")
        return ""
    if not isinstance(value, str):
        raise BadField(key, f"expected text, got {described(value)}")
    if required and not value.strip():
        raise BadField(key, "is empty")
    return value.strip()


def _refs(item: Json, key: str) -> list[str]:
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadField(key, f"expected a list of references, got {described(value)}")
    return value


def _head(item: Json) -> tuple[str, str]:
    """(reference, id): both required; `modifiedAt` must be a time stamp."""
    if not isinstance(item, dict):
        raise BadField("item", f"expected an object, got {described(item)}")
    ref = _text(item, "reference", required=True)
    record_id = item.get("id")
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        problem = (
            "is missing" if record_id is None else f"expected a number, got {described(record_id)}"
        )
        raise BadField("id", problem)
    _text(item, "modifiedAt", required=True)
    return ref, str(record_id)


def _named(item: Json) -> str:
    """A record without its reference, told by its name, company or username, or else by its
    address."""
    names = (item.get("firstName"), item.get("surname"))
    name = item.get("name") or item.get("companyName") or " ".join(str(n) for n in names if n)
    name = name or item.get("username")
    if name:
        return f"named {name}"
    address = obj(item, "address", optional=True)
    line = ", ".join(v for v in (_text(address, "flat"), _address_line(address)) if v)
    return f"at {line}" if line else ""


def _address_fields(address: Json) -> Json:
    fields = {key: _text(address, key) for key in ADDRESS}
    fields["line3"] = ""
    return fields


def _address_line(address: Json) -> str:
    return ", ".join(v for key in ADDRESS if (v := _text(address, key)))


def _contact(item: Json, address_key: str | None) -> Json:
    """Company, reference and contact fields of suppliers, owners, RMCs and occupiers."""
    return {
        "title": _text(item, "title"),
        "first_name": _text(item, "firstName"),
        "surname": _text(item, "surname"),
        "company": _text(item, "companyName"),
        "email": _text(item, "email") or None,
        "phone": _text(item, "phone") or None,
        "phone2": _text(item, "alternatePhone") or None,
        "address": _address_line(obj(item, address_key)) if address_key else "",
    }


def guarded(kind: str, item: Json, build: Any) -> Records:
    try:
        built: Records = build(item)
        return built
    except UNREAD as error:
        return [set_aside(kind, item, error, id_keys=("reference", "id"), identify=_named)]


def estate(item: Json) -> Records:
    """Estates: name and Propman reference."""

    def build(item: Json) -> Records:
        ref, oid = _head(item)
        fields = {"name": _text(item, "name", required=True), "ref": ref}
        return [Incoming("estate", ref, fields, external_oid=oid)]

    return guarded("estate", item, build)


def building(item: Json) -> Records:
    """Buildings: reference, name, estate, address, property manager, and their cost codes
    (the units, RMCs and occupiers arrive from their own side)."""

    def build(item: Json) -> Records:
        ref, oid = _head(item)
        fields = {
            "name": _text(item, "name"),
            "ref": ref,
            **_address_fields(obj(item, "address")),
        }
        links = {"estate_id": ("estate", _text(item, "estateReference", required=True))}
        manager = _text(item, "propertyManagerReference")
        if manager:
            links["property_manager_id"] = ("agent", manager)
        out: Records = [Incoming("building", ref, fields, links=links, external_oid=oid)]
        for number, code in enumerate(objects(item, "costCodes"), 1):
            try:
                name = _text(code, "code", required=True)
            except BadField as exc:
                raise within("costCodes", number, exc) from None
            out.append(
                Incoming(
                    "cost_code",
                    f"{ref}:{name}",
                    {"code": name, "description": _text(code, "description")},
                    links={"building_id": ("building", ref)},
                )
            )
        return out

    return guarded("building", item, build)


def building_occupiers(item: Json) -> Records:
    """A building's occupiers, each with their tenancy at their unit (read after the units)."""

    def build(item: Json) -> Records:
        _head(item)
        out: Records = []
        for number, person in enumerate(objects(item, "occupiers"), 1):
            try:
                ref = _text(person, "reference", required=True)
                unit_ref = _text(person, "unitReference", required=True)
                since = day(person, "since")
                contact = _contact(person, None)
            except BadField as exc:
                raise within("occupiers", number, exc) from None
            out.append(Incoming("occupier", ref, contact))
            out.append(
                Incoming(
                    "tenancy",
                    f"{ref}:{unit_ref}",
                    {"start_date": since, "end_date": None, "periodic": False, "active": True},
                    links={"unit_id": ("unit", unit_ref), "occupier_id": ("occupier", ref)},
                )
            )
        return out

    return guarded("occupier", item, build)


def unit(item: Json) -> Records:
    """Units: estate, building, Propman unit reference, address (owners come with owners)."""

    def build(item: Json) -> Records:
        ref, oid = _head(item)
        address = obj(item, "address")
        fields = {"flat": _text(address, "flat"), **_address_fields(address), "ref": ref}
        links = {
            "estate_id": ("estate", _text(item, "estateReference", required=True)),
            "building_id": ("building", _text(item, "buildingReference", required=True)),
        }
        return [Incoming("unit", ref, fields, links=links, external_oid=oid)]

    return guarded("unit", item, build)


def agent(item: Json) -> Records:
    """Agents: Propman username, phone, reference, email."""

    def build(item: Json) -> Records:
        ref, oid = _head(item)
        fields = {
            "username": _text(item, "username", required=True),
            "ref": ref,
            "first_name": _text(item, "firstName"),
            "surname": _text(item, "surname"),
            "email": _text(item, "email") or None,
            "phone": _text(item, "phone") or None,
        }
        return [Incoming("agent", ref, fields, external_oid=oid)]

    return guarded("agent", item, build)


def supplier(item: Json) -> Records:
    """Suppliers -> contractors: company, email, reference, phones, business address."""

    def build(item: Json) -> Records:
        ref, oid = _head(item)
        fields = {**_contact(item, "businessAddress"), "trades": []}
        return [Incoming("contractor", ref, fields, external_oid=oid)]

    return guarded("contractor", item, build)


def owner(item: Json) -> Records:
    """Owners -> landlords: company, reference, email, phones, correspondence address, and a
    link to each of their units."""

    def build(item: Json) -> Records:
        ref, oid = _head(item)
        out: Records = [
            Incoming("landlord", ref, _contact(item, "correspondenceAddress"), external_oid=oid)
        ]
        for number, unit_ref in enumerate(_refs(item, "units")):
            out.append(
                Incoming(
                    "unit_landlord",
                    f"{ref}:{unit_ref}",
                    {"primary": number == 0},
                    links={"unit_id": ("unit", unit_ref), "landlord_id": ("landlord", ref)},
                )
            )
        return out

    return guarded("landlord", item, build)


def rmc(item: Json) -> Records:
    """RMC/RTM companies: company, reference, email, phones, and a link to each building."""

    def build(item: Json) -> Records:
        ref, oid = _head(item)
        fields = {**_contact(item, None), "ref": ref}
        out: Records = [Incoming("rmc", ref, fields, external_oid=oid)]
        for building_ref in _refs(item, "buildings"):
            out.append(
                Incoming(
                    "building_rmc",
                    f"{building_ref}:{ref}",
                    {},
                    links={"building_id": ("building", building_ref), "rmc_id": ("rmc", ref)},
                )
            )
        return out

    return guarded("rmc", item, build)
