"""Propman's payloads -> our records (PM-01's field lists). Records name each other by Propman
reference, which is each record's external id; Propman's numeric id is kept as its OID.

An item that lacks a field we need, or carries one of the wrong type, is `Malformed` with the
field named (S-04): quarantined, and the run goes on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from repairlink.pms.incoming import Incoming, Malformed

Json = dict[str, Any]
Records = list[Incoming | Malformed]
ADDRESS = ("line1", "line2", "town", "county", "postcode")


class BadField(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


def _text(item: Json, key: str, *, required: bool = False) -> str:
    value = item.get(key)
    if value is None:
        if required:
            raise BadField(key, "missing")
        return ""
    if not isinstance(value, str):
        raise BadField(key, f"expected text, got {type(value).__name__}")
    if required and not value.strip():
        raise BadField(key, "empty")
    return value.strip()


def _object(item: Json, key: str) -> Json:
    value = item.get(key)
    if not isinstance(value, dict):
        raise BadField(key, "missing" if value is None else f"expected an object, got {value!r}")
    return value


def _refs(item: Json, key: str) -> list[str]:
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadField(key, f"expected a list of references, got {value!r}")
    return value


def _head(item: Json) -> tuple[str, str]:
    """(reference, id): both required; `modifiedAt` must be a time stamp."""
    if not isinstance(item, dict):
        raise BadField("item", f"expected an object, got {item!r}")
    ref = _text(item, "reference", required=True)
    record_id = item.get("id")
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        raise BadField(
            "id", "missing" if record_id is None else f"expected a number: {record_id!r}"
        )
    _text(item, "modifiedAt", required=True)
    return ref, str(record_id)


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
        "address": _address_line(_object(item, address_key)) if address_key else "",
    }


def _malformed(kind: str, item: Any, error: Exception) -> Records:
    payload = item if isinstance(item, dict) else {"value": repr(item)}
    external_id = str(payload.get("reference") or payload.get("id") or "?")
    return [Malformed(kind, external_id, str(error), payload)]


def guarded(kind: str, item: Json, build: Any) -> Records:
    try:
        built: Records = build(item)
        return built
    except (BadField, KeyError, TypeError, AttributeError, ValueError) as error:
        return _malformed(kind, item, error)


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
            **_address_fields(_object(item, "address")),
        }
        links = {"estate_id": ("estate", _text(item, "estateReference", required=True))}
        manager = _text(item, "propertyManagerReference")
        if manager:
            links["property_manager_id"] = ("agent", manager)
        codes = item.get("costCodes") or []
        if not isinstance(codes, list):
            raise BadField("costCodes", f"expected a list, got {codes!r}")
        out: Records = [Incoming("building", ref, fields, links=links, external_oid=oid)]
        for code in codes:
            name = _text(code, "code", required=True)
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
        occupiers = item.get("occupiers") or []
        if not isinstance(occupiers, list):
            raise BadField("occupiers", f"expected a list, got {occupiers!r}")
        out: Records = []
        for person in occupiers:
            ref, unit_ref = (
                _text(person, "reference", required=True),
                _text(person, "unitReference", required=True),
            )
            since = date.fromisoformat(_text(person, "since", required=True)[:10])
            out.append(Incoming("occupier", ref, _contact(person, None)))
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
        address = _object(item, "address")
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
