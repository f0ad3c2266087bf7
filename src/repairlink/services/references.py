"""External references on records (C-02): `(system, external_id, external_oid?)`, several
systems per record. One identity (system + external id) names one record of a kind."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.domain.people import ExternalRef
from repairlink.errors import ConflictError, InvalidError
from repairlink.services.pagination import Page, paginate
from repairlink.store.tables import CLASS_OF, cols
from repairlink.store.uow import UnitOfWork

REFERABLE = (
    "estate",
    "building",
    "unit",
    "cost_code",
    "occupier",
    "landlord",
    "contractor",
    "agent",
    "rmc",
    "tenancy",
    "issue",
)


def _check_kind(kind: str) -> type:
    if kind not in REFERABLE:
        raise InvalidError(
            "reference.unknown_kind",
            f"Records of kind '{kind}' carry no external references",
            field="kind",
            rule="C-02",
        )
    return CLASS_OF[kind]


def add_reference(
    uow: UnitOfWork,
    kind: str,
    record_id: int,
    *,
    system: str,
    external_id: str,
    external_oid: str | None = None,
) -> ExternalRef:
    """Add a reference; adding the same one again changes nothing."""
    cls = _check_kind(kind)
    system, external_id = system.strip().lower(), external_id.strip()
    if not system:
        raise InvalidError("reference.system_required", "Name the system", field="system")
    if not external_id:
        raise InvalidError(
            "reference.id_required", "Give the record's id in that system", field="external_id"
        )
    try:
        return _added(uow, cls, kind, record_id, system, external_id, external_oid)
    except sa.exc.IntegrityError:
        # the same reference added at the same moment (PostgreSQL: both found none, the other
        # committed first): read again, so it is kept if it names this record, else refused
        return _added(uow, cls, kind, record_id, system, external_id, external_oid)


def _added(
    uow: UnitOfWork,
    cls: type,
    kind: str,
    record_id: int,
    system: str,
    external_id: str,
    external_oid: str | None,
) -> ExternalRef:
    with uow:
        uow.get(cls, record_id, field="record_id")
        ref = cols(ExternalRef)
        existing = uow.first(
            uow.select(
                ExternalRef,
                ref.entity_kind == kind,
                ref.system == system,
                ref.external_id == external_id,
            )
        )
        if existing is not None and existing.entity_id != record_id:
            raise ConflictError(
                "reference.taken",
                f"{system} id {external_id} already names {kind} {existing.entity_id}",
                field="external_id",
                rule="C-02",
            )
        if existing is None:
            existing = ExternalRef(
                agency_id=uow.agency,
                entity_kind=kind,
                entity_id=record_id,
                system=system,
                external_id=external_id,
                external_oid=external_oid or None,
            )
            uow.add(existing)
        elif external_oid and existing.external_oid != external_oid:
            existing.external_oid = external_oid
        uow.flush()
        uow.commit()
    return existing


def references_of(
    uow: UnitOfWork, kind: str, record_id: int, *, cursor: str | None = None, limit: int = 50
) -> Page[ExternalRef]:
    cls = _check_kind(kind)
    ref = cols(ExternalRef)
    with uow.reading():
        uow.get(cls, record_id, field="record_id")
        stmt = uow.select(ExternalRef, ref.entity_kind == kind, ref.entity_id == record_id)
        return paginate(uow, stmt, ref.id, cursor=cursor, limit=limit)


def references_for(
    uow: UnitOfWork, kind: str, record_ids: list[int]
) -> dict[int, list[ExternalRef]]:
    """The references of many records of one kind (a list's page), in one query."""
    _check_kind(kind)
    ref = cols(ExternalRef)
    found: dict[int, list[ExternalRef]] = {}
    if not record_ids:
        return found
    with uow.reading():
        rows = uow.all(
            uow.select(
                ExternalRef, ref.entity_kind == kind, ref.entity_id.in_(record_ids)
            ).order_by(ref.system, ref.id)
        )
    for row in rows:
        found.setdefault(row.entity_id, []).append(row)
    return found
