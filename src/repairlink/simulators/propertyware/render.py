"""Propertyware's JSON shapes: camelCase, ids as numbers, `YYYY-MM-DD` dates and
`YYYY-MM-dd'T'HH:mm:ssXXX` date-times in UTC (research §4.1)."""

from __future__ import annotations

import time
from typing import Any

from ..kit.rendered import Json, Shape
from . import content
from .data import PwData

Flat = content.Flat


def date_time(ms: int | None) -> str | None:
    return None if ms is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def day(ms: int | None) -> str | None:
    return None if ms is None else time.strftime("%Y-%m-%d", time.gmtime(ms // 1000))


def _stamped(flat: Flat, body: Json) -> Json:
    return {
        "id": flat["id"],
        **body,
        "createdDateTime": date_time(flat["createdDate"]),
        "lastModifiedDateTime": date_time(flat["modifiedDate"]),
    }


def _address(flat: Flat) -> Json:
    keys = ("address", "city", "stateRegion", "postalCode")
    return {**{key: flat[key] for key in keys}, "country": "US"}


def portfolio(flat: Flat) -> Json:
    return _stamped(flat, {k: flat[k] for k in ("name", "abbreviation", "active")})


def building(flat: Flat) -> Json:
    keys = ("name", "abbreviation", "portfolioID", "active", "propertyType")
    body = {k: flat[k] for k in keys}
    body.update(multiUnit=False, maintenanceSpendingLimitTime="NO_LIMIT")
    return _stamped(flat, {**body, "address": _address(flat)})


def unit(flat: Flat) -> Json:
    keys = ("name", "abbreviation", "buildingID", "portfolioID", "active", "status", "leaseID")
    body = {k: flat[k] for k in keys}
    body["propertyManagerID"] = flat["propertyManagerID"]
    return _stamped(flat, {**body, "address": _address(flat)})


def contact(flat: Flat) -> Json:
    keys = ("firstName", "lastName", "email", "mobilePhone", "homePhone", "type", "companyName")
    return _stamped(flat, {k: flat[k] for k in keys})


def lease(flat: Flat, contacts: list[Flat]) -> Json:
    keys = ("unitID", "buildingID", "portfolioID", "active", "status", "rent")
    body: dict[str, Any] = {k: flat[k] for k in keys}
    for key in ("startDate", "endDate", "moveInDate", "moveOutDate"):
        body[key] = day(flat[key])
    body["contacts"] = [
        {**contact(person), "primary": index == 0, "namedOnLease": True, "role": "Tenant"}
        for index, person in enumerate(contacts)
    ]
    return _stamped(flat, body)


def vendor(flat: Flat) -> Json:
    keys = ("name", "companyName", "email", "phone", "active", "type", "accountNumber")
    body = {k: flat[k] for k in keys}
    body.update(syncToVMM=False, paymentTerms="Net 30")
    return _stamped(flat, body)


def work_order(flat: Flat) -> Json:
    keys = (
        "number", "status", "type", "priority", "source", "category", "description",
        "buildingID", "unitID", "portfolioID", "managedBy", "ownerEmail", "requestedBy",
        "requestedByContactID", "comments",
    )  # fmt: skip
    body: dict[str, Any] = {k: flat.get(k) for k in keys}
    body["lease"] = None if flat["leaseID"] is None else {"id": flat["leaseID"]}
    body["completedDate"] = day(flat["completedDate"])
    return _stamped(flat, body)


def shapes(data: PwData) -> dict[str, Shape]:
    def lease_item(slot: int) -> Json:
        flat = content.lease_flat(data, slot)
        people = [
            content.contact_flat(data, data.contacts.slot_of(i) or 0)
            for i in flat["contactIDs"]
            if data.contacts.slot_of(i) is not None
        ]
        return lease(flat, people)

    found = (
        Shape("portfolio", data.portfolios, lambda s: portfolio(content.portfolio_flat(data, s))),
        Shape("building", data.buildings, lambda s: building(content.building_flat(data, s))),
        Shape("unit", data.units, lambda s: unit(content.unit_flat(data, s))),
        Shape("lease", data.leases, lease_item),
        Shape("contact", data.contacts, lambda s: contact(content.contact_flat(data, s))),
        Shape("vendor", data.vendors, lambda s: vendor(content.vendor_flat(data, s))),
        Shape("work_order", data.workorders, lambda s: work_order(content.order_flat(data, s))),
    )
    return {shape.name: shape for shape in found}


FULL_SYNC_SHAPES = ("unit", "lease", "work_order")


def prerender(data: PwData) -> int:
    known = shapes(data)
    return data.rendered.prerender(known[name] for name in FULL_SYNC_SHAPES)
