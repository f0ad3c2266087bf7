"""The automatic audit trail (C-13): every flushed change to a domain record is written to
`audit_log` with the unit of work's actor and each field's before and after."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import Session, UOWTransaction

from repairlink.domain.actors import Actor
from repairlink.store.bulk import insert_many
from repairlink.store.precompiled import Precompiled
from repairlink.store.tables import KIND_OF, SECRET_FIELDS, UNAUDITED, audit_log

# Entries as `audit_entry` makes them, inserted by a statement compiled once: every change
# and every delivery that learns an id writes one (store/precompiled.py)
INSERT_ENTRIES = Precompiled(
    sa.insert(audit_log),
    keys=("agency_id", "entity_kind", "entity_id", "action", "actor_kind", "actor_id")
    + ("actor_label", "changes", "at"),
)


def jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _changes(obj: object, *, created: bool) -> dict[str, list[Any]]:
    state = inspect(obj)
    held = state.dict  # values set or loaded: read so, as the ORM's descriptor cost more
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in SECRET_FIELDS or name == "id":
            continue
        if created:
            value = held[name] if name in held else getattr(obj, name)
            # Unset fields stay out of a creation entry; a 0 is a value (`0 == False` in Python).
            if value is not None and value is not False and value != "" and value != []:
                changes[name] = [None, jsonable(value)]
            continue
        history = state.attrs[name].history  # costly: only for an update
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[name] = [jsonable(before), jsonable(after)]
    return changes


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`_changes` of an update, for a record changed outside the session (`store/tracked.py`):
    from its values as loaded to those of `after` (all its values, or only those changed)."""
    return {
        name: [jsonable(before[name]), jsonable(value)]
        for name, value in after.items()
        if name not in SECRET_FIELDS and name != "id" and value != before[name]
    }


def write_audit(session: Session, _flush: UOWTransaction) -> None:
    """after_flush hook: ids of new rows are known, attribute history is not yet reset."""
    actor: Actor | None = session.info.get("actor")
    if actor is None:
        return
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    groups = (("created", session.new), ("updated", session.dirty), ("deleted", session.deleted))
    for action, objects in groups:
        for obj in objects:
            cls = type(obj)
            if cls in UNAUDITED or cls not in KIND_OF:
                continue
            changes = {} if action == "deleted" else _changes(obj, created=action == "created")
            if action == "updated" and not changes:
                continue
            rows.append(audit_entry(actor, obj, action, changes, now))
    if rows:
        INSERT_ENTRIES.run(session.connection(), rows)


def audit_created(conn: sa.Connection, actor: Actor, objects: list[Any]) -> None:
    """The entries the hook writes for records created by a flush, for records inserted in
    bulk instead (`UnitOfWork.add_many`): one `created` entry each, the same changes."""
    now = datetime.now(UTC)
    rows = [
        audit_entry(actor, obj, "created", _changes(obj, created=True), now)
        for obj in objects
        if type(obj) not in UNAUDITED and type(obj) in KIND_OF
    ]
    insert_many(conn, audit_log, rows)


def audit_entry(
    actor: Actor, obj: Any, action: str, changes: dict[str, list[Any]], at: datetime
) -> dict[str, Any]:
    kind = KIND_OF[type(obj)]
    return {
        "agency_id": obj.id if kind == "agency" else obj.agency_id,
        "entity_kind": kind,
        "entity_id": obj.id,
        "action": action,
        "actor_kind": actor.kind.value,
        "actor_id": actor.id,
        "actor_label": actor.label,
        "changes": changes,
        "at": at,
    }
