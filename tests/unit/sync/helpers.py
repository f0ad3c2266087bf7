"""Building incoming records and running the pure decision on them."""

from __future__ import annotations

from typing import Any

from repairlink.inbound.plan import ACTIVE, BY_SYNC, Decision, Held, decide
from repairlink.pms.incoming import Incoming
from repairlink.pms.profile import Profile


def record(kind: str, fields: dict[str, Any] | None = None, **attrs: Any) -> Incoming:
    return Incoming(kind=kind, external_id="X1", fields=dict(fields or {}), attrs=attrs)


def held(**row: Any) -> Held:
    row.setdefault(ACTIVE, True)
    row.setdefault(BY_SYNC, False)
    return Held(entity_id=7, content_hash="old", row=row)


def run(
    profile: Profile,
    rec: Incoming,
    config: dict[str, Any] | None = None,
    *,
    have: Held | None = None,
    resolved: dict[str, int] | None = None,
    unresolved: set[str] | None = None,
) -> Decision:
    return decide(
        profile,
        rec,
        config or {},
        held=have,
        resolved=resolved or {},
        unresolved=unresolved or set(),
    )
