"""Writing a page's decisions in bulk: one statement per kind of write, audit rows included
(principle 5: every write is explained). A dry run writes the same, rolled back at its end, and
its report lists the planned changes (S-07)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from repairlink.inbound.held import RunWrites
from repairlink.inbound.kinds import spec
from repairlink.inbound.plan import Action, Decision
from repairlink.store.bulk import HeldRows, insert_returning_ids
from repairlink.store.bulk_update import update_many
from repairlink.store.tables import audit_log, external_refs

AUDIT_COLUMNS = (
    "agency_id",
    "entity_kind",
    "entity_id",
    "action",
    "actor_kind",
    "actor_id",
    "actor_label",
    "changes",
    "at",
)
AUDIT_ACTION = {
    Action.CREATE: "created",
    Action.UPDATE: "updated",
    Action.ARCHIVE: "archived",
    Action.RESTORE: "restored",
}


@dataclass(frozen=True)
class RunContext:
    run_id: int
    agency_id: int
    system: str
    now: datetime
    label: str  # "alto sync #12", shown in the audit trail


def apply(
    conn: sa.Connection,
    ctx: RunContext,
    kind: str,
    decisions: list[Decision],
    writes: RunWrites,
) -> int:
    """Write the decisions of one kind, their audit rows held to the transaction's end.
    Returns the number of rows written."""
    kind_spec = spec(kind)
    table = kind_spec.table
    written = 0
    creates = [d for d in decisions if d.action is Action.CREATE and not d.by_use_case]
    if creates:
        rows = [{"agency_id": ctx.agency_id, **d.values} for d in creates]
        ids = insert_returning_ids(conn, table, rows, writes.ids)
        for decision, new_id in zip(creates, ids, strict=True):
            decision.values["id"] = new_id
        written += len(rows)
    updates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for d in decisions:
        if d.held is None:
            continue
        values = dict(d.values)
        if d.action is Action.ARCHIVE:
            values = kind_spec.archive_values(ctx.now)
        elif d.action is Action.RESTORE:
            values.update(kind_spec.restore_values())
        if values and d.action in (Action.UPDATE, Action.ARCHIVE, Action.RESTORE):
            updates[frozenset(values)].append({"_id": d.held.entity_id, **values})
    for batch in updates.values():
        update_many(conn, table, "id", batch)
        written += len(batch)
    written += _write_refs(conn, ctx, kind, decisions, writes)
    written += _write_audit(writes.held, ctx, kind, decisions)
    return written


def entity_id(decision: Decision) -> int | None:
    if decision.held is not None:
        return decision.held.entity_id
    new_id: int | None = decision.values.get("id")
    return new_id


def _write_refs(
    conn: sa.Connection, ctx: RunContext, kind: str, decisions: list[Decision], writes: RunWrites
) -> int:
    """New references held to the transaction's end; changed hashes written now, or given to
    a held one."""
    made = 0
    new_hashes = []
    agency_id, system = ctx.agency_id, ctx.system
    for d in decisions:
        if d.action in (Action.SKIP, Action.DEFER):
            continue
        record = d.record
        if d.held is None or not d.held.has_ref:  # created, or merged by email/address
            ext, oid = record.external_id, record.external_oid
            writes.add_ref([agency_id, kind, entity_id(d), system, ext, oid, d.content_hash])
            made += 1
        elif d.held.content_hash != d.content_hash:
            if not writes.rehash(kind, record.external_id, d.content_hash):
                new_hashes.append(
                    {"_external_id": record.external_id, "content_hash": d.content_hash}
                )
    where = {"agency_id": agency_id, "system": system, "entity_kind": kind}
    update_many(conn, external_refs, "external_id", new_hashes, where=where)
    return made + len(new_hashes)


def _write_audit(held: HeldRows, ctx: RunContext, kind: str, decisions: list[Decision]) -> int:
    agency_id, run_id, label, now = ctx.agency_id, ctx.run_id, ctx.label, ctx.now
    rows = [
        (
            agency_id,
            kind,
            entity_id(d),
            AUDIT_ACTION[d.action],
            "sync_run",
            run_id,
            label,
            d.changes,  # dates and enums: the JSON columns' serializer (orjson)
            now,
        )
        for d in decisions
        if d.action in AUDIT_ACTION and not d.by_use_case  # its use case audited it
    ]
    held.add(audit_log, AUDIT_COLUMNS, rows)
    return len(rows)


def planned_rows(ctx: RunContext, kind: str, decisions: list[Decision]) -> list[dict[str, Any]]:
    """S-07: a dry run's changes, per record and per field, as its report lists them."""
    return [
        {
            "run_id": ctx.run_id,
            "kind": kind,
            "external_id": d.record.external_id,
            "action": d.action.value,
            "entity_id": entity_id(d),
            "changes": d.changes,
        }
        for d in decisions
        if d.action in AUDIT_ACTION
    ]
