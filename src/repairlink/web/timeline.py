"""The audit trail (C-13) and a dry run's diff (S-07) as sentences people read: who or what
changed which field, from what to what, with names and addresses for ids, status labels for
statuses (C-03), money, dates and phones as the agency writes them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from repairlink.domain.formats import Formats
from repairlink.domain.issues import PayingForWork, QuoteStatus, Status
from repairlink.domain.people import Contractor, Landlord, Occupier
from repairlink.domain.places import Unit
from repairlink.errors import NotFoundError
from repairlink.services import history, people_and_places
from repairlink.services.history import Change
from repairlink.store.uow import UnitOfWork
from repairlink.web.plain import field_label

# Fields whose machine names read badly; every other name is humanised ("line1" -> "Line 1").
LABELS = {
    "merged_into_id": "Merged into",
    "archived_at": "Archived",
    "archived_by": "Archived by",
    "deactivated_at": "Deactivated",
    "deactivated_by": "Deactivated by",
    "unit_id": "Property",
    "contractor_id": "Contractor",
    "landlord_id": "Landlord",
    "occupier_id": "Occupier",
    "reporter_occupier_id": "Reported by",
    "phone2": "Second phone",
    "cost_net": "Cost (net)",
    "cost_gross": "Cost (gross)",
    "appointment_at": "Appointment",
    "paying_for_work": "Who pays",
    "instructed_party": "Instructed",
    "feedback_rating": "Rating",
    "feedback_comment": "Feedback",
    "recipient_ids": "Sent to",
}
VERBS = {"created": "created the record", "updated": "changed", "deleted": "deleted the record"}
HIDDEN = frozenset({"id", "agency_id", "updated_at", "content_hash", "address_key", "number"})
NAMED: dict[str, type] = {
    "unit_id": Unit,
    "merged_into_id": Unit,
    "contractor_id": Contractor,
    "landlord_id": Landlord,
    "occupier_id": Occupier,
    "reporter_occupier_id": Occupier,
}
ACTORS = {
    "user": "a person",
    "api_key": "an API key",
    "sync_run": "a sync",
    "reconciliation": "reconciliation",
    "import": "an import",
    "system": "Repairlink",
}
PAYING = {
    PayingForWork.LANDLORD: "The landlord",
    PayingForWork.ALL_LANDLORDS: "All landlords",
    PayingForWork.OCCUPIER: "The occupier",
    PayingForWork.AGENCY: "The agency",
    PayingForWork.OTHER: "Someone else",
}
MONEY = frozenset({"cost_net", "cost_vat", "cost_gross", "net", "vat", "gross"})
# stored in E.164; people read them as the agency's country writes them
PHONES = frozenset({"phone", "phone2", "reporter_phone"})
QUOTE_STATES = {
    QuoteStatus.REQUESTED: "Requested",
    QuoteStatus.SUBMITTED: "Submitted",
    QuoteStatus.AWARDED: "Awarded",
    QuoteStatus.NOT_AWARDED: "Not awarded",
}


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
    return LABELS.get(name) or field_label(name)


def _enum_text(name: str, value: Any) -> str | None:
    if name == "status" and value in Status._value2member_map_:
        return Status(value).label
    if name == "status" and value in QuoteStatus._value2member_map_:
        return QUOTE_STATES[QuoteStatus(value)]
    if name == "paying_for_work" and value in PayingForWork._value2member_map_:
        return PAYING[PayingForWork(value)]
    if name == "priority" and isinstance(value, str):
        return value.capitalize()
    if name in ("deactivated_by", "archived_by", "instructed_party") and isinstance(value, str):
        return ACTORS.get(value, value).capitalize()
    return None


@dataclass
class Reader:
    """Reads stored values for people: one look-up per kind of record named, however many."""

    uow: UnitOfWork
    fmt: Formats
    names: dict[tuple[type, int], str] = field(default_factory=dict)

    def learn(self, pairs: Iterable[tuple[str, Any]]) -> None:
        wanted: dict[type, set[int]] = {}
        for name, value in pairs:
            if name in NAMED and isinstance(value, int):
                wanted.setdefault(NAMED[name], set()).add(value)
        for cls, ids in wanted.items():
            found = people_and_places.names_of(self.uow, cls, ids)
            self.names.update({(cls, i): text for i, text in found.items()})

    def value(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if name in NAMED and isinstance(value, int):
            return self.names.get((NAMED[name], value), "a record since deleted")
        if name in MONEY and isinstance(value, int):
            return self.fmt.money(value)
        if name in PHONES and isinstance(value, str):
            return self.fmt.phone(value)
        if name == "recipient_ids" and isinstance(value, list):
            return f"{len(value)} occupier(s)"
        if isinstance(value, list):
            return ", ".join(self.value(name, v) for v in value) or "—"
        text = _enum_text(name, value)
        if text is not None:
            return text
        return self._dated(value) if isinstance(value, str) else str(value)

    def _dated(self, value: str) -> str:
        try:
            if len(value) >= 19 and value[4] == "-" and value[10] == "T":
                return self.fmt.when(datetime.fromisoformat(value))
            if len(value) == 10 and value[4] == "-" and value[7] == "-":
                return self.fmt.day(date.fromisoformat(value))
        except ValueError:
            pass
        return value

    def label(self, name: str) -> str:
        """A field's label; the tax's as the agency's country calls it (Formats.tax)."""
        return self.fmt.tax if name in ("cost_vat", "vat") else label(name)

    def fields(self, changes: dict[str, list[Any]]) -> list[FieldChange]:
        return [
            FieldChange(self.label(name), self.value(name, pair[0]), self.value(name, pair[1]))
            for name, pair in changes.items()
            if name not in HIDDEN and isinstance(pair, list) and len(pair) == 2
        ]


def who(kind: str, actor_id: int | None, actor_label: str) -> str:
    if kind == "sync_run":
        return f"Sync run {actor_id}" if actor_id else "A sync run"
    if kind == "reconciliation":
        return "Reconciliation"
    if kind == "api_key":
        return f"API key “{actor_label}”"
    return actor_label or ACTORS.get(kind, kind).capitalize()


def _pairs(changes: Iterable[dict[str, list[Any]]]) -> Iterable[tuple[str, Any]]:
    for one in changes:
        for name, pair in one.items():
            if isinstance(pair, list):
                yield from ((name, v) for v in pair)


def entries(trail: list[Change], reader: Reader) -> list[Entry]:
    """Newest first: the latest change is what people look for."""
    reader.learn(_pairs(c.changes for c in trail))
    return [
        Entry(
            c.at,
            who(c.actor_kind, c.actor_id, c.actor_label),
            VERBS.get(c.action, c.action),
            reader.fields(c.changes),
        )
        for c in reversed(trail)
    ]


def trail(uow: UnitOfWork, fmt: Formats, kind: str, record_id: int) -> list[Entry]:
    """A record's trail, newest first, for its page (empty when nothing was recorded)."""
    try:
        changes = history.history(uow, kind, record_id)
    except NotFoundError:
        return []
    return entries(changes, Reader(uow, fmt))
