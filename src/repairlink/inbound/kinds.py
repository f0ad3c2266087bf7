"""How each record kind is stored, as far as a sync needs to know: its table, how it is
archived and restored, and what it can be matched by (AL-09)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from repairlink.store.tables import CLASS_OF, MAPPED

SYNC = "sync_run"


@dataclass(frozen=True)
class KindSpec:
    kind: str
    table: sa.Table
    archive_style: str | None  # "deactivate" (units), "archived_at" (people), None (never)

    def archive_values(self, now: datetime) -> dict[str, Any]:
        if self.archive_style == "archived_at":
            return {"archived_at": now, "archived_by": SYNC}
        if self.archive_style == "deactivate":
            return {"active": False, "deactivated_at": now, "deactivated_by": SYNC}
        raise ValueError(f"a {self.kind} is never archived by a sync")

    def restore_values(self) -> dict[str, Any]:
        if self.archive_style == "archived_at":
            return {"archived_at": None, "archived_by": None}
        if self.archive_style == "deactivate":
            return {"active": True, "deactivated_at": None, "deactivated_by": None}
        raise ValueError(f"a {self.kind} is never restored by a sync")

    def state(self, row: dict[str, Any]) -> tuple[bool, bool]:
        """(is it active, did a sync archive it) for a loaded row."""
        if self.archive_style == "archived_at":
            return row["archived_at"] is None, row.get("archived_by") == SYNC
        if self.archive_style == "deactivate":
            return bool(row["active"]), row.get("deactivated_by") == SYNC
        return True, False


PEOPLE = ("occupier", "landlord", "contractor", "agent", "rmc")
# Kinds a sync creates through their use case, not as bulk rows: an issue needs its number,
# its status, its audit and its `issue.created` event (the engine is given a writer for each).
USE_CASE_KINDS = frozenset({"issue"})


def spec(kind: str) -> KindSpec:
    if kind not in CLASS_OF:
        raise KeyError(f"no record kind {kind!r}")
    table = MAPPED[CLASS_OF[kind]][0]
    style = "archived_at" if kind in PEOPLE else ("deactivate" if kind == "unit" else None)
    return KindSpec(kind, table, style)
