"""The audit trail (C-13) and a dry run's diff (S-07) as sentences people read: who or what
changed which field, from what to what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from repairlink.services.history import Change
from repairlink.web.render import when

# Fields whose machine names read badly; every other name is humanised ("line1" -> "Line 1").
LABELS = {
    "address_key": "Matching key",
    "merged_into_id": "Merged into unit",
    "archived_at": "Archived",
    "deactivated_at": "Deactivated",
    "deactivated_by": "Deactivated by",
    "unit_id": "Unit",
    "contractor_id": "Contractor",
    "landlord_id": "Landlord",
    "reporter_occupier_id": "Reporter",
    "phone2": "Second phone",
    "cost_net": "Cost (net, pence)",
    "cost_vat": "VAT (pence)",
    "cost_gross": "Cost (gross, pence)",
    "appointment_at": "Appointment",
}
VERBS = {"created": "created the record", "updated": "changed", "deleted": "deleted the record"}
HIDDEN = frozenset({"id", "agency_id", "updated_at", "content_hash", "address_key"})


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    verb: str
    fields: list[FieldChange]


def label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    spaced = "".join(f" {c}" if c.isdigit() else c for c in name.replace("_", " "))
    return spaced.strip().capitalize()


def shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value) or "—"
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def who(kind: str, actor_id: int | None, actor_label: str) -> str:
    if kind == "sync_run":
        return f"Sync run {actor_id}" if actor_id else "A sync run"
    if kind == "reconciliation":
        return "Reconciliation"
    if kind == "api_key":
        return f"API key “{actor_label}”"
    return actor_label or kind


def fields(changes: dict[str, list[Any]]) -> list[FieldChange]:
    return [
        FieldChange(label(name), shown(pair[0]), shown(pair[1]))
        for name, pair in changes.items()
        if name not in HIDDEN and isinstance(pair, list) and len(pair) == 2
    ]


def entries(trail: list[Change]) -> list[Entry]:
    """Newest first: the latest change is what people look for."""
    return [
        Entry(
            c.at,
            who(c.actor_kind, c.actor_id, c.actor_label),
            VERBS.get(c.action, c.action),
            fields(c.changes),
        )
        for c in reversed(trail)
    ]
