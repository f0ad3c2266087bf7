"""Flat records into the JSON shapes of Alto's published OpenAPI.

Field names, nesting and even id types follow the spec per endpoint (an inventory id is a
string, a tenancy or landlord id an integer), because a connector must cope with exactly
that. Fields the article needs but the published schemas lack are added and listed in
docs/simulators.md as simulator extensions: `oid`, `userType`, `companyName` on landlords
and tenants, `phoneNumbers` on tenants, `active`/dates on suppliers.
"""

from __future__ import annotations

from typing import Any

from .clock import to_alto, to_date
from .records import Flat

Json = dict[str, Any]

ACTIVE_INVENTORY = {"Available", "UnderOffer", "Let", "LetAgreed", "LetMarketing", "Instructed"}


def _address(flat: Flat, *, name_key: str = "nameNo", country: str = "countryCode") -> Json:
    return {
        "subDwelling": flat["subDwelling"],
        name_key: flat["nameNo"],
        "street": flat["street"],
        "locality": flat["locality"],
        "town": flat["town"],
        "county": flat["county"],
        "postcode": flat["postcode"],
        country: "GB",
    }


def _phones(flat: Flat) -> list[str]:
    return [number for number in (flat["mobile"], flat["landline"]) if number]


def inventory_item(flat: Flat) -> Json:
    """`InventoryItem` of GET /inventory/filter."""
    return {
        "inventoryId": str(flat["id"]),
        "branchId": flat["branchId"],
        "createdAt": to_alto(flat["createdDate"]),
        "modifiedAt": to_alto(flat["modifiedDate"]),
        "categoryType": flat["category"],
        "recordType": flat["recordType"],
        "archived": flat["archived"],
        "status": flat["status"],
        "address": _address(flat),
        "managementType": flat["managementType"],
        "maintenanceType": flat["maintenanceType"],
        "instructionDate": to_alto(flat["createdDate"]),
        "oid": flat["oid"],
    }


def inventory_detail(flat: Flat, owner: Flat | None) -> Json:
    """`InventoryDetailItem` of GET /inventory/{inventoryId}."""
    owners = []
    if owner is not None:
        owners.append(
            {
                "ownerId": str(owner["id"]),
                "contactId": owner["id"],
                "name": {
                    "title": owner["title"],
                    "forename": owner["forename"],
                    "surname": owner["surname"],
                },
                "phoneNumbers": [
                    {"preferenceOrder": n, "type": kind, "description": None, "number": number}
                    for n, (kind, number) in enumerate(_typed_phones(owner))
                ],
                "emailAddresses": [{"preferenceOrder": 0, "address": owner["email"]}]
                if owner["email"]
                else [],
            }
        )
    return {
        "id": str(flat["id"]),
        "branchId": flat["branchId"],
        "category": flat["category"],
        "recordType": flat["recordType"],
        "address": _address(flat),
        "propertyType": flat["propertyType"],
        "bedrooms": flat["bedrooms"],
        "price": flat["price"],
        "status": flat["status"],
        "inventoryStatus": flat["status"],
        "archived": flat["archived"],
        "isAtActiveStatus": flat["status"] in ACTIVE_INVENTORY,
        "managementType": flat["managementType"],
        "maintenanceType": flat["maintenanceType"],
        "owners": owners,
        "uprn": flat["uprn"],
        "createdDate": to_alto(flat["createdDate"]),
        "modifiedDate": to_alto(flat["modifiedDate"]),
        "oid": flat["oid"],
    }


def _typed_phones(flat: Flat) -> list[tuple[str, str]]:
    pairs = [("Mobile", flat["mobile"]), ("Home", flat["landline"])]
    return [(kind, number) for kind, number in pairs if number]


def tenant(flat: Flat) -> Json:
    """`Tenant` inside a tenancy (include-tenants=true)."""
    phones = _typed_phones(flat)
    return {
        "id": str(flat["id"]),
        "title": flat["title"],
        "forename": flat["forename"],
        "surname": flat["surname"],
        "phone": phones[0][1] if phones else None,
        "email": flat["email"],
        "address": _address(flat, country="country"),
        "createdDate": to_alto(flat["createdDate"]),
        "modifiedDate": to_alto(flat["modifiedDate"]),
        "companyName": flat["companyName"],
        "phoneNumbers": [{"type": kind, "number": number} for kind, number in phones],
        "archived": flat["archived"],
    }


def tenancy(flat: Flat, tenants: list[Flat] | None) -> Json:
    """`TenancyListItem` of GET /tenancies."""
    item: Json = {
        "id": flat["id"],
        "groupId": None,
        "branchId": flat["branchId"],
        "propertyId": flat["propertyId"],
        "rent": flat["rent"],
        "rentalFrequency": flat["rentalFrequency"],
        "startDate": to_date(flat["startDate"]),
        "endDate": to_date(flat["endDate"]) if flat["endDate"] else None,
        "targetVacateDate": None,
        "noticeToQuitDate": None,
        "renewalDate": None,
        "status": flat["status"],
        "nextTermTenancyId": None,
        "createdDate": to_alto(flat["createdDate"]),
        "modifiedDate": to_alto(flat["modifiedDate"]),
    }
    if tenants is not None:
        item["tenants"] = [tenant(person) for person in tenants]
    return item


def _pm_person(flat: Flat) -> Json:
    """`Person` of the property-management endpoints (landlords, suppliers)."""
    return {
        "title": flat["title"],
        "forename": flat["forename"],
        "surname": flat["surname"],
        "emailAddresses": [flat["email"]] if flat["email"] else [],
        "telephoneNumbers": _phones(flat),
    }


def landlord(flat: Flat, properties: list[Flat]) -> Json:
    """`LandlordListItem` of GET /landlords."""
    return {
        "id": flat["id"],
        "branchId": int(flat["branchId"]),
        "address": _address(flat, country="country"),
        "people": [_pm_person(flat)],
        "properties": [
            {"id": place["id"], **_address(place, country="country")} for place in properties
        ],
        "active": not flat["archived"],
        "createdDate": to_alto(flat["createdDate"]),
        "modifiedDate": to_alto(flat["modifiedDate"]),
        "companyName": flat["companyName"],
        "potentialLandlord": flat["role"] == "potential_landlord",
        "userType": flat["userType"],
        "oid": flat["oid"],
    }


def supplier(flat: Flat) -> Json:
    """`Supplier` of GET /suppliers."""
    return {
        "id": str(flat["id"]),
        "branchId": flat["branchId"],
        "companyName": flat["companyName"],
        "providedServices": list(flat["services"]),
        "address": _address(flat, country="country"),
        "people": [_pm_person(flat)],
        "notes": flat["notes"],
        "active": not flat["archived"],
        "oid": flat["oid"],
        "createdDate": to_alto(flat["createdDate"]),
        "modifiedDate": to_alto(flat["modifiedDate"]),
    }


PERSONA = {"tenant": ["Tenant"], "landlord": ["Landlord"], "potential_landlord": ["Landlord"]}


def contact(flat: Flat) -> Json:
    """`ContactListItem` of GET /contacts/all, with the full `people` and `address` of Contact."""
    phones = _typed_phones(flat)
    category = "Supplier" if flat["role"] == "supplier" else "Client"
    return {
        "id": str(flat["id"]),
        "contactType": {"category": category, "persona": PERSONA.get(flat["role"], [])},
        "contactInformation": [
            {
                "title": flat["title"],
                "foreName": flat["forename"],
                "surname": flat["surname"],
                "phoneNumber": phones[0][1] if phones else None,
                "emailAddress": flat["email"],
            }
        ],
        "branch": {"id": flat["branchId"]},
        "isActive": not flat["archived"],
        "archived": flat["archived"],
        "potentialVendor": False,
        "potentialLandlord": flat["role"] == "potential_landlord",
        "userType": flat["userType"],
        "createdAt": to_alto(flat["createdDate"]),
        "modifiedAt": to_alto(flat["modifiedDate"]),
        "notes": flat["notes"],
        "companyName": flat["companyName"],
        "address": _address(flat, name_key="nameNumber"),
        "people": [
            {
                "id": str(flat["id"]),
                "title": flat["title"],
                "forename": flat["forename"],
                "surname": flat["surname"],
                "phoneNumbers": [{"type": kind, "number": number} for kind, number in phones],
                "emailAddresses": [{"address": flat["email"]}] if flat["email"] else [],
            }
        ],
        "oid": flat["oid"],
    }
