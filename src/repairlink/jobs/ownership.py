"""Which fields a connected PMS owns, read from its profile (PM-02, AL-01): the API refuses a
platform edit to them, saying where to change the value instead."""

from __future__ import annotations

from repairlink.connectors import REGISTRY
from repairlink.pms.profile import CreatedOnlyInPms, Policy


def pms_owned_rule(system: str, kind: str, field: str) -> str | None:
    kind_of = REGISTRY.get(system)
    if kind_of is None:
        return None
    policy = kind_of.profile.policy_for(kind, field)
    return policy.rule if policy is not None and policy.policy is Policy.PMS_OWNED else None


def created_only_in_pms(system: str, kind: str) -> tuple[str, str] | None:
    """(rule, the PMS's name) when records of `kind` come only from `system` (PW-08): the API
    refuses to make one while the agency is connected to it."""
    kind_of = REGISTRY.get(system)
    if kind_of is None:
        return None
    declared: list[CreatedOnlyInPms] = kind_of.profile.of(CreatedOnlyInPms)
    for rule in declared:
        if kind in rule.kinds:
            return rule.rule, kind_of.title
    return None
