"""Which fields a connected PMS owns, read from its profile (PM-02, AL-01): the API refuses a
platform edit to them, saying where to change the value instead."""

from __future__ import annotations

from repairlink.connectors import REGISTRY
from repairlink.pms.profile import Policy


def pms_owned_rule(system: str, kind: str, field: str) -> str | None:
    kind_of = REGISTRY.get(system)
    if kind_of is None:
        return None
    policy = kind_of.profile.policy_for(kind, field)
    return policy.rule if policy is not None and policy.policy is Policy.PMS_OWNED else None
