"""Record kinds and their fields as people name them: the console's words for what a sync
reports ("Properties", "its building BLK99999 is not known here"), so that a reason stored
on a run reads the same on its page and in the API; machine names stay in the logs."""

from __future__ import annotations

KINDS = {
    "unit": "Properties",
    "occupier": "Occupiers",
    "landlord": "Landlords",
    "contractor": "Contractors",
    "tenancy": "Tenancies",
    "unit_landlord": "Property owners",
    "agent": "Agents",
    "estate": "Estates",
    "building": "Buildings",
    "rmc": "Management companies",
    "issue": "Issues",
}
ONE = {"unit": "property", "unit_landlord": "property owner", "rmc": "management company"}

# Our field names a synced record can be refused for -> how people call them; others are
# humanised ("line2" -> "address line 2" is the one that needs help).
FIELDS = {
    "phone": "phone",
    "phone2": "second phone",
    "email": "email",
    "line1": "address line 1",
    "line2": "address line 2",
    "line3": "address line 3",
    "unit_id": "property",
    "reporter_occupier_id": "reported by",
    "costs": "costs",
}


def kind_name(kind: str) -> str:
    """'unit' -> 'Properties': records of the kind, as a heading."""
    return KINDS.get(kind, kind.replace("_", " ").capitalize())


def one_kind(kind: str) -> str:
    """'unit' -> 'property': one record of the kind, in a sentence."""
    return ONE.get(kind, kind.replace("_", " "))


def field_words(name: str) -> str:
    """'phone2' -> 'second phone': a field in a sentence."""
    return FIELDS.get(name) or name.rsplit(".", 1)[-1].removesuffix("_id").replace("_", " ")


def link_words(link: str, kind: str) -> str:
    """How a record names another it links to: by the role the PMS gives it where the link
    has one ('property_manager_id' -> 'property manager'), else by the other's kind
    ('building_id' -> 'building', 'unit_id' -> 'property')."""
    role = link.strip("_").removesuffix("_id")
    return one_kind(kind) if role == kind else role.replace("_", " ")


def unknown_links(links: list[tuple[str, str, str]]) -> str:
    """(link, kind, PMS id) of records a record names that we do not hold, in words:
    'its property manager AG001 is not known here'."""
    named = [f"{link_words(link, kind)} {ext}" for link, kind, ext in links]
    verb = "is" if len(named) == 1 else "are"
    return f"its {' and its '.join(named)} {verb} not known here"


def refusal_words(field: str | None, message: str) -> str:
    """A record's value refused by our rules, told by the field's words then the rule
    ('phone: '12' is not a phone number'); a message that names the field already stands."""
    if not field:
        return message
    words = field_words(field)
    return message if message.lower().startswith(words) else f"{words}: {message}"
