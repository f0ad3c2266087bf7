"""Flat records into the JSON shapes of Alto's published OpenAPI.

Field names, nesting and even id types follow the spec per endpoint (an inventory id is a
string, a tenancy or landlord id an integer), because a connector must cope with exactly
that. Fields the article needs but the published schemas lack are added and listed in
docs/simulators.md as simulator extensions: `oid`, `userType`, `companyName` on landlords
and tenants, `phoneNumbers` on tenants, `active`/dates on suppliers.
"""

from __future__ import annotations

from typing import Any

from ..kit.clock import to_dotnet, to_midnight
from ..kit.uploads import Document
from .content import Flat

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


def _copy(flat: Flat, *keys: str) -> Json:
    """Fields the API names as the flat record does."""
    return {key: flat[key] for key in keys}


def _dated(flat: Flat) -> Json:
    return {
        "createdDate": to_dotnet(flat["createdDate"]),
        "modifiedDate": to_dotnet(flat["modifiedDate"]),
    }


def _phones(flat: Flat) -> list[str]:
    return [number for number in (flat["mobile"], flat["landline"]) if number]


def inventory_item(flat: Flat) -> Json:
    """`InventoryItem` of GET /inventory/filter."""
    return {
        "inventoryId": str(flat["id"]),
        "branchId": flat["branchId"],
        "createdAt": to_dotnet(flat["createdDate"]),
        "modifiedAt": to_dotnet(flat["modifiedDate"]),
        "categoryType": flat["category"],
        **_copy(flat, "recordType", "archived", "status"),
        "address": _address(flat),
        **_copy(flat, "managementType", "maintenanceType"),
        "instructionDate": to_dotnet(flat["createdDate"]),
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
                "name": _copy(owner, "title", "forename", "surname"),
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
        **_copy(flat, "branchId", "category", "recordType"),
        "address": _address(flat),
        **_copy(flat, "propertyType", "bedrooms", "price", "status"),
        "inventoryStatus": flat["status"],
        "archived": flat["archived"],
        "isAtActiveStatus": flat["status"] in ACTIVE_INVENTORY,
        **_copy(flat, "managementType", "maintenanceType"),
        "owners": owners,
        "uprn": flat["uprn"],
        **_dated(flat),
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
        **_copy(flat, "title", "forename", "surname"),
        "phone": phones[0][1] if phones else None,
        "email": flat["email"],
        "address": _address(flat, country="country"),
        **_dated(flat),
        "companyName": flat["companyName"],
        "phoneNumbers": [{"type": kind, "number": number} for kind, number in phones],
        "archived": flat["archived"],
    }


def tenancy(flat: Flat, tenants: list[Flat] | None) -> Json:
    """`TenancyListItem` of GET /tenancies."""
    item: Json = {
        "id": flat["id"],
        "groupId": None,
        **_copy(flat, "branchId", "propertyId", "rent", "rentalFrequency"),
        "startDate": to_midnight(flat["startDate"]),
        "endDate": to_midnight(flat["endDate"]) if flat["endDate"] else None,
        **dict.fromkeys(("targetVacateDate", "noticeToQuitDate", "renewalDate"), None),
        "status": flat["status"],
        "nextTermTenancyId": None,
        **_dated(flat),
    }
    if tenants is not None:
        item["tenants"] = [tenant(person) for person in tenants]
    return item


def _pm_person(flat: Flat) -> Json:
    """`Person` of the property-management endpoints (landlords, suppliers)."""
    return {
        **_copy(flat, "title", "forename", "surname"),
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
        **_dated(flat),
        "companyName": flat["companyName"],
        "potentialLandlord": flat["role"] == "potential_landlord",
        **_copy(flat, "userType", "oid"),
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
        **_dated(flat),
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
        "createdAt": to_dotnet(flat["createdDate"]),
        "modifiedAt": to_dotnet(flat["modifiedDate"]),
        "notes": flat["notes"],
        "companyName": flat["companyName"],
        "address": _address(flat, name_key="nameNumber"),
        "people": [
            {
                "id": str(flat["id"]),
                **_copy(flat, "title", "forename", "surname"),
                "phoneNumbers": [{"type": kind, "number": number} for kind, number in phones],
                "emailAddresses": [{"address": flat["email"]}] if flat["email"] else [],
            }
        ],
        "oid": flat["oid"],
    }


def document(document: Document) -> Json:
    """A works order's document (or a charge's invoice) as the API shows it."""
    return {
        "id": str(document.id),
        "name": document.name,
        "description": document.description,
        "contentType": document.file.content_type,
        "size": document.file.size,
        "sha256": document.file.sha256,
        "uploadedDate": to_dotnet(document.uploaded_ms),
    }
