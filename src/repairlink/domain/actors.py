"""Who or what makes a change (C-13): a person, an API key, a sync run, a reconciliation..."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    USER = "user"
    API_KEY = "api_key"
    SYNC_RUN = "sync_run"
    RECONCILIATION = "reconciliation"
    IMPORT = "import"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: int | None = None
    label: str = ""

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(ActorKind.SYSTEM, None, label)
