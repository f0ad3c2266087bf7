"""Plain language on pages: the console never shows a rule id (C-05, PW-10...) or a field's
machine name. Messages made elsewhere (the domain's errors, a PMS's answer kept on a delivery,
a sync's skip reason) carry them for the API, the CLI and the logs; pages read them through
these functions."""

from __future__ import annotations

import re

from repairlink.domain.formats import Formats
from repairlink.domain.issues import Status
from repairlink.errors import RepairlinkError

RULE_ID = re.compile(r"\b(C|H|PM|AL|PW|PX|S)-\d{2}\b")
# "(AL-10)", "(PW-10, S-01)", "[rule AL-02]" and the like, with the space before them
_RULE_REFERENCE = re.compile(
    r"\s*[(\[](?:rule\s+)?(?:(?:C|H|PM|AL|PW|PX|S)-\d{2}(?:,\s*|\s+and\s+)?)+[)\]]"
)

# A field's machine name -> the label its form gives it; others are humanised.
FIELD_LABELS = {
    "unit_id": "Property",
    "free_address": "Address",
    "reporter_occupier_id": "Reported for",
    "contractor_id": "Contractor",
    "contractor_ids": "Contractors",
    "party_id": "Contractor or landlord",
    "quote_id": "Quote",
    "costs": "Costs",
    "costs.gross": "Costs",
    "amount": "Amount",
    "net": "Cost, net",
    "vat": "VAT",
    "invoice": "Invoice document",
    "appointment_at": "Date and time",
    "occupier_ids": "Occupiers",
    "duplicate_id": "Duplicate property",
    "survivor_id": "Property",
    "rating": "Rating",
    "status": "Status",
    "role": "Role",
    "file": "File",
    "photos": "Photos",
    "document": "Quote document",
    "url": "Endpoint URL",
    "event_types": "Event types",
    "time_zone": "Time zone",
    "locale": "Language and money",
    "title": "What is wrong",
    "description": "Details",
    "notes": "Notes",
    "quote_net": "Amount, net",
    "documents": "Other documents",
    "reason": "Note",
    "body": "Comment",
    "comment": "Comment",
    "q": "Search",
}
TAX_FIELDS = frozenset({"vat", "costs.vat"})  # labelled as the agency names its tax
# A choice's stored value -> the label its menu shows (C-03's statuses); others humanised.
CHOICE_LABELS = {status.value: status.label for status in Status}
# Where a form gives a field name another label than the one above: (form's path, name).
LABELS_ON_FORM = {
    ("/webhooks", "description"): "Description",
    ("/settings", "name"): "Agency name",
}


def plain(text: str | None) -> str:
    """`text` without rule ids: '... a alto property (AL-10)' -> '... a alto property'."""
    if not text:
        return ""
    return RULE_ID.sub("", _RULE_REFERENCE.sub("", text)).strip()


def field_label(name: str, form: str = "") -> str:
    if (form, name) in LABELS_ON_FORM:
        return LABELS_ON_FORM[form, name]
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    last = name.rsplit(".", 1)[-1]
    spaced = "".join(f" {c}" if c.isdigit() else c for c in last.replace("_", " "))
    return spaced.strip().capitalize()


_VAT = re.compile(r"\bVAT\b")


def said(message: str, field: str | None, form: str = "", *, formats: Formats | None = None) -> str:
    """A refusal as the page says it: the field by its label (on `form`), then the reason; the
    tax on costs in the agency's word (`formats`: a US agency's people read tax, not VAT)."""
    reason = plain(message)
    if formats is not None and formats.tax != "VAT":
        reason = _VAT.sub(formats.tax_word, reason)
        reason = reason[:1].upper() + reason[1:]
    if not field or field in ("form", "actor", "csrf_token"):
        return reason
    label = formats.tax if formats is not None and field in TAX_FIELDS else field_label(field, form)
    return f"{label}: {reason}"


def refusal(exc: RepairlinkError, form: str = "", *, formats: Formats | None = None) -> str:
    return said(exc.message, exc.field, form, formats=formats)


def choices(values: list[str]) -> str:
    """Stored values as the menu offering them shows them: “Reported”, “Closed” or “Cancelled”."""
    words = [f"“{CHOICE_LABELS.get(v) or v.replace('_', ' ').capitalize()}”" for v in values]
    return f"{', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else "".join(words)
