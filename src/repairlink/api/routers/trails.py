"""Where a record came from and what happened to it: external references (C-02) and the audit
trail (C-13), for any record kind by `{kind}/{record_id}`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from repairlink.api.deps import Paging, RecordId, StaffCaller
from repairlink.api.schemas.common import PageOf
from repairlink.api.schemas.people import ChangeRead, ExternalRefCreate, ExternalRefRead
from repairlink.services import history, references
from repairlink.services.listing import page_by_position

router = APIRouter(tags=["references and audit"])
Kind = Annotated[str, Path(max_length=32, description="unit, occupier, issue, ...")]


@router.get("/references/{kind}/{record_id}", summary="A record's external references (C-02)")
def list_references(
    caller: StaffCaller, kind: Kind, record_id: RecordId, paging: Paging
) -> PageOf[ExternalRefRead]:
    page = references.references_of(
        caller.uow(), kind, record_id, cursor=paging.cursor, limit=paging.limit
    )
    return PageOf[ExternalRefRead].model_validate(page)


@router.post(
    "/references/{kind}/{record_id}",
    status_code=201,
    summary="Add an external reference to a record (C-02)",
)
def add_reference(
    caller: StaffCaller, kind: Kind, record_id: RecordId, body: ExternalRefCreate
) -> ExternalRefRead:
    ref = references.add_reference(
        caller.uow(),
        kind,
        record_id,
        system=body.system,
        external_id=body.external_id,
        external_oid=body.external_oid,
    )
    return ExternalRefRead.model_validate(ref)


@router.get("/audit/{kind}/{record_id}", summary="A record's audit trail, oldest first (C-13)")
def audit_trail(
    caller: StaffCaller, kind: Kind, record_id: RecordId, paging: Paging
) -> PageOf[ChangeRead]:
    changes = history.history(caller.uow(), kind, record_id)
    page = page_by_position(changes, cursor=paging.cursor, limit=paging.limit)
    return PageOf[ChangeRead].model_validate(page)
