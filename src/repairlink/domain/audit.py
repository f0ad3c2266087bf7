"""An audit entry (C-13): who or what changed which fields of which record, before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(eq=False, kw_only=True)
class AuditEntry:
    agency_id: int
    entity_kind: str
    entity_id: int
    action: str  # created | updated | deleted | a verb such as "merged"
    actor_kind: str
    actor_id: int | None
    actor_label: str
    changes: dict[str, list[Any]]  # field -> [before, after]
    at: datetime
    id: int = field(default=None)  # type: ignore[assignment]


@dataclass(eq=False, kw_only=True)
class OutboxEvent:
    """An event for the outside world, written in the same transaction as its change (S-01)."""

    agency_id: int
    event_type: str
    aggregate_kind: str
    aggregate_id: int
    payload: dict[str, Any]
    created_at: datetime
    id: int = field(default=None)  # type: ignore[assignment]
