"""A sync run's report in people's words: record kinds by name, skip reasons by what the
connector's profile says each rule keeps out (not by the rule's id), a dry run's changes by
the address or name of their record (its reference second)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from repairlink.connectors import REGISTRY
from repairlink.domain.people import Agent, Contractor, Landlord, Occupier, Rmc
from repairlink.domain.places import Unit
from repairlink.domain.words import kind_name, one_kind
from repairlink.services import people_and_places
from repairlink.store.uow import UnitOfWork

__all__ = ["change_names", "kind_name", "one_kind", "rule_reasons", "skip_reasons"]


def rule_reasons(system: str) -> dict[str, str]:
    """rule id -> what the connector's declarations under it say (a run counts skips by rule:
    where several declarations share one, each is a possible reason)."""
    kind = REGISTRY.get(system)
    found: dict[str, list[str]] = {}
    for rule in kind.profile.rules if kind else ():
        text = getattr(rule, "reason", "")  # filters and guards say what they keep out
        if text and text not in found.get(rule.rule, []):
            found.setdefault(rule.rule, []).append(text)
    return {rule: "; or ".join(texts) for rule, texts in found.items()}


def skip_reasons(run: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(records, why, how many) for each kind and rule the run skipped records under."""
    reasons = rule_reasons(str(run["system"]))
    found = []
    for kind, rules in (run.get("skip_reasons") or {}).items():
        for rule, n in rules.items():
            why = reasons.get(rule, "kept out by the connector's rules")
            found.append((kind_name(kind), why[:1].upper() + why[1:], n))
    return found


# Kinds a record of which people know by its address (a unit) or its name (a person)
HELD_NAMES: dict[str, type] = {
    "unit": Unit,
    "occupier": Occupier,
    "landlord": Landlord,
    "contractor": Contractor,
    "agent": Agent,
    "rmc": Rmc,
}
ADDRESS = ("flat", "line1", "line2", "line3", "town", "county", "postcode")


def named_by_values(values: dict[str, Any]) -> str:
    """A record's name from the values a change gives it: its address, a person's name, a
    place's or a company's name, an issue's title ('' when it gives none of them)."""
    if values.get("line1"):
        return ", ".join(str(values[n]) for n in ADDRESS if values.get(n))
    person = " ".join(str(values[n]) for n in ("first_name", "surname") if values.get(n))
    for name in (person, values.get("name"), values.get("company"), values.get("title")):
        if name:
            return str(name)
    return str(values.get("email") or "")


# A link record (a tenancy, a property's owner) is named by the records it links
LINKS = {"unit_id": "unit", "occupier_id": "occupier", "landlord_id": "landlord"}


def _after(change: dict[str, Any]) -> dict[str, Any]:
    return {n: p[1] for n, p in change["changes"].items() if isinstance(p, list) and len(p) == 2}


def _named_in(changes: list[dict[str, Any]]) -> dict[tuple[str, int], str]:
    """Records a dry run would create, by the values it gives them: the run's rollback took
    them away, and their ids may since name others."""
    return {
        (c["kind"], int(c["entity_id"])): named_by_values(_after(c))
        for c in changes
        if c["action"] == "create" and c["entity_id"]
    }


def _held_names(
    uow: UnitOfWork, changes: list[dict[str, Any]], known: dict[tuple[str, int], str]
) -> dict[tuple[str, int], str]:
    """The records the changes are about, or link to, named as we hold them (one look-up a
    kind)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for c in changes:
        refs = [(c["kind"], c["entity_id"])]
        refs += [(kind, _after(c).get(link)) for link, kind in LINKS.items()]
        for kind, record_id in refs:
            if kind in HELD_NAMES and isinstance(record_id, int) and (kind, record_id) not in known:
                wanted[kind].add(record_id)
    return {
        (kind, record_id): name
        for kind, ids in wanted.items()
        for record_id, name in people_and_places.names_of(uow, HELD_NAMES[kind], ids).items()
    }


def change_names(uow: UnitOfWork, changes: list[dict[str, Any]]) -> dict[int, str]:
    """Each planned change (S-07) by the address or name of its record ('' where neither is
    known): a link record by the ones it links ('Ann Lee at 12 High Street, Leeds')."""
    names = _named_in(changes)
    names |= _held_names(uow, changes, names)
    found = {}
    for c in changes:
        after = _after(c)
        own = names.get((c["kind"], c["entity_id"])) or named_by_values(after)
        linked = [
            names.get((kind, after[link]), "") if isinstance(after.get(link), int) else ""
            for link, kind in LINKS.items()
        ]
        others = [n for n in linked[1:] if n]
        if not own and linked[0]:
            own = f"{others[0]} at {linked[0]}" if others else linked[0]
        found[c["id"]] = own
    return found
