"""Connections to PMSs and their syncs: connect, "Sync now", follow a run, read its report;
"Reconcile now" and the reconciliations' reports (PW-09)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import ValidationError

from repairlink.api.deps import AdminCaller, Paging, RecordId, StaffCaller
from repairlink.api.schemas.common import PageOf
from repairlink.api.schemas.sync import (
    ConnectionRead,
    ConnectorRead,
    PlannedChangeRead,
    QuarantineRead,
    ReconciliationRead,
    ReconciliationStart,
    ReconciliationStarted,
    RunRead,
    RunStart,
    RunStarted,
    ScheduleRead,
    SkipRead,
    UnsupportedRead,
    masked,
)
from repairlink.connectors import REGISTRY
from repairlink.errors import InvalidError
from repairlink.inbound import reports
from repairlink.jobs import reconcile_run, sync_run
from repairlink.services import connections

router = APIRouter(tags=["sync"])
System = Annotated[str, Path(max_length=32, description="The PMS: alto, ...")]
KindFilter = Annotated[str | None, Query(max_length=32, description="Only this record kind")]


@router.get("/connectors", summary="The PMSs the hub can connect to, and what each cannot do")
def list_connectors(caller: StaffCaller) -> PageOf[ConnectorRead]:
    return PageOf(items=[_connector(system) for system in REGISTRY])


@router.get("/connectors/{system}", summary="One connector: its schedules and what it cannot do")
def get_connector(caller: StaffCaller, system: System) -> ConnectorRead:
    return _connector(system)


def _connector(system: str) -> ConnectorRead:
    info = sync_run.connector_info(system)
    return ConnectorRead(
        system=info.system,
        title=info.title,
        schedules=[ScheduleRead(kinds=list(k), when=w) for k, w in info.schedules],
        unsupported=[UnsupportedRead(what=w, message=m) for w, m in info.unsupported],
    )


@router.get("/connections", summary="The agency's PMS connections")
def list_connections(caller: StaffCaller) -> PageOf[ConnectionRead]:
    return PageOf(items=[masked(row) for row in connections.list_connections(caller.uow())])


@router.put("/connections/{system}", summary="Connect to a PMS, or change its settings")
def save_connection(caller: AdminCaller, system: System, body: dict[str, Any]) -> ConnectionRead:
    try:
        sync_run.connect(caller.app, caller.who.agency_id, system, body)
    except ValidationError as exc:  # the connector's typed config names the field
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or None
        rule = str(first["msg"]).removeprefix("Value error, ")  # pydantic's, not the rule's
        raise InvalidError("connection.invalid_settings", rule, field=where) from exc
    return masked(connections.get_connection(caller.uow(), system))


@router.post(
    "/connections/{system}/runs",
    status_code=202,
    summary="Sync now: start a run (or a dry run, S-07) in the background",
)
def start_run(caller: StaffCaller, system: System, body: RunStart) -> RunStarted:
    run_id = sync_run.start_sync(
        caller.app, caller.who.agency_id, system, full=body.full, dry_run=body.dry_run
    )
    return RunStarted(run_id=run_id, href=f"/api/v1/sync-runs/{run_id}")


@router.get("/sync-runs", summary="Runs, newest first (S-06)")
def list_runs(caller: StaffCaller, paging: Paging) -> PageOf[RunRead]:
    return PageOf[RunRead].model_validate(
        reports.list_runs(caller.uow(), cursor=paging.cursor, limit=paging.limit)
    )


@router.get("/sync-runs/{run_id}", summary="A run's report: status, counts, skip reasons")
def get_run(caller: StaffCaller, run_id: RecordId) -> RunRead:
    return RunRead.model_validate(reports.get_run(caller.uow(), run_id))


@router.get("/sync-runs/{run_id}/skipped", summary="Each skipped record and its rule (S-06)")
def skipped(
    caller: StaffCaller, run_id: RecordId, paging: Paging, kind: KindFilter = None
) -> PageOf[SkipRead]:
    return PageOf[SkipRead].model_validate(
        reports.skipped(caller.uow(), run_id, kind=kind, cursor=paging.cursor, limit=paging.limit)
    )


@router.get("/sync-runs/{run_id}/quarantined", summary="Records quarantined, why (S-04)")
def quarantined(
    caller: StaffCaller, run_id: RecordId, paging: Paging, kind: KindFilter = None
) -> PageOf[QuarantineRead]:
    return PageOf[QuarantineRead].model_validate(
        reports.quarantined(
            caller.uow(), run_id, kind=kind, cursor=paging.cursor, limit=paging.limit
        )
    )


@router.get(
    "/sync-runs/{run_id}/changes",
    summary="A dry run's planned changes, per record and field (S-07)",
)
def planned_changes(
    caller: StaffCaller, run_id: RecordId, paging: Paging, kind: KindFilter = None
) -> PageOf[PlannedChangeRead]:
    return PageOf[PlannedChangeRead].model_validate(
        reports.planned_changes(
            caller.uow(), run_id, kind=kind, cursor=paging.cursor, limit=paging.limit
        )
    )


@router.post(
    "/connections/{system}/reconciliations",
    status_code=202,
    summary="Reconcile now (PW-09): deactivate active units the PMS no longer lists",
)
def start_reconciliation(
    caller: AdminCaller, system: System, body: ReconciliationStart
) -> ReconciliationStarted:
    reconciliation_id = reconcile_run.start_reconciliation(
        caller.app, caller.who.agency_id, system, kind=body.kind
    )
    return ReconciliationStarted(
        reconciliation_id=reconciliation_id, href=f"/api/v1/reconciliations/{reconciliation_id}"
    )


@router.get("/reconciliations", summary="Reconciliations, newest first (PW-09)")
def list_reconciliations(caller: StaffCaller, paging: Paging) -> PageOf[ReconciliationRead]:
    return PageOf[ReconciliationRead].model_validate(
        reports.list_reconciliations(caller.uow(), cursor=paging.cursor, limit=paging.limit)
    )


@router.get(
    "/reconciliations/{reconciliation_id}",
    summary="A reconciliation's report: status, listed, held, deactivated, why it refused",
)
def get_reconciliation(caller: StaffCaller, reconciliation_id: RecordId) -> ReconciliationRead:
    return ReconciliationRead.model_validate(
        reports.get_reconciliation(caller.uow(), reconciliation_id)
    )
