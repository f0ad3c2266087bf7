"""What a run changed, record by record and field by field, in words that compare across a dry
run and the real run after it (S-07): a dry run's writes are rolled back, so a record it
created has no id left (and on PostgreSQL the real run's new ids are others); such a record is
named by the PMS id of the record that created it, here and wherever a field links to it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.inbound import reports
from repairlink.store.tables import audit_log, external_refs

Change = tuple[str, str, str, str]  # kind, record, action, its field changes (canonical JSON)
ACTIONS = {"created": "create", "updated": "update", "archived": "archive", "restored": "restore"}


def _canonical(kind: str, changes: dict[str, list[Any]], named: dict[tuple[str, int], str]) -> str:
    out = {}
    for field, (before, after) in sorted(changes.items()):
        target = field.removesuffix("_id") if field.endswith("_id") else None
        values = [named.get((target, v), v) if target else v for v in (before, after)]
        out[field] = [str(v) if v is not None else None for v in values]
    return repr(out)


def planned(app: App, agency_id: int, run_id: int) -> set[Change]:
    """A dry run's changes, as its report lists them."""
    items = reports.planned_changes(app.uow(Actor.system(), agency_id), run_id, limit=100_000).items
    named = {
        (c["kind"], c["entity_id"]): f"new:{c['external_id']}"
        for c in items
        if c["action"] == "create"
    }
    return {
        (
            c["kind"],
            named.get((c["kind"], c["entity_id"]), str(c["entity_id"])),
            c["action"],
            _canonical(c["kind"], c["changes"], named),
        )
        for c in items
    }


def audited(app: App, agency_id: int, run_id: int) -> set[Change]:
    """What a real run wrote: its audit entries (C-13), its new records named by the PMS id
    they were created from (their first reference)."""
    a, r = audit_log.c, external_refs.c
    with app.engine.connect() as conn:
        entries = (
            conn.execute(
                sa.select(a.entity_kind, a.entity_id, a.action, a.changes).where(
                    a.agency_id == agency_id, a.actor_kind == "sync_run", a.actor_id == run_id
                )
            )
            .mappings()
            .all()
        )
        created = {(e["entity_kind"], e["entity_id"]) for e in entries if e["action"] == "created"}
        named: dict[tuple[str, int], str] = {}
        for kind, ext, entity in conn.execute(
            sa.select(r.entity_kind, r.external_id, r.entity_id)
            .where(r.agency_id == agency_id)
            .order_by(r.id.desc())  # the first reference wins: it is written last here
        ):
            if (kind, entity) in created:
                named[(kind, entity)] = f"new:{ext}"
    return {
        (
            e["entity_kind"],
            named.get((e["entity_kind"], e["entity_id"]), str(e["entity_id"])),
            ACTIONS.get(e["action"], e["action"]),
            _canonical(e["entity_kind"], e["changes"], named),
        )
        for e in entries
    }
