"""A sync run's report in people's words: record kinds by name, skip reasons by what the
connector's profile says each rule keeps out (not by the rule's id)."""

from __future__ import annotations

from typing import Any

from repairlink.connectors import REGISTRY
from repairlink.domain.words import kind_name, one_kind

__all__ = ["kind_name", "one_kind", "rule_reasons", "skip_reasons"]


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
