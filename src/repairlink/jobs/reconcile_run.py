"""Run one agency's reconciliation with one PMS (PW-09): load the connection, build its
connector, reconcile as its profile declares. The CLI, the API and both runners call this."""

from __future__ import annotations

import logging

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.errors import ConflictError, InvalidError
from repairlink.inbound.reconcile import Reconciler, ReconciliationReport
from repairlink.jobs.background import Work, start_once
from repairlink.jobs.sync_run import connector_kind
from repairlink.pms.profile import Reconciliation
from repairlink.pms.retry import RetryPolicy
from repairlink.services import connections

log = logging.getLogger(__name__)


def declared(system: str, kind: str = "unit") -> Reconciliation:
    """The connector's reconciliation of `kind`, as its profile declares it."""
    declarations: list[Reconciliation] = connector_kind(system).profile.of(Reconciliation)
    found = [r for r in declarations if r.kind == kind]
    if not found:
        raise InvalidError(
            "reconciliation.not_declared",
            f"The {system} connector declares no reconciliation of {kind}s",
            field="connector",
        )
    return found[0]


def _reconciler(
    app: App, agency_id: int, system: str, kind: str, retry: RetryPolicy | None
) -> Reconciler:
    connector = connector_kind(system)  # an unknown PMS, then no connection, then no rule
    connection = connections.get_connection(app.uow(Actor.system("reconcile"), agency_id), system)
    declaration = declared(system, kind)
    config = connector.config_model.model_validate(connection["config"])
    return Reconciler(
        lambda actor: app.uow(actor, agency_id),
        connector.build(config),
        declaration,
        connection_id=connection["id"],
        retry=retry,
    )


def run_reconciliation(
    app: App,
    agency_id: int,
    system: str,
    *,
    kind: str = "unit",
    dry_run: bool = False,
    retry: RetryPolicy | None = None,
) -> ReconciliationReport:
    """Run to the end in this thread (the CLI, tests, Procrastinate workers)."""
    reconciler = _reconciler(app, agency_id, system, kind, retry)
    try:
        return reconciler.run(dry_run=dry_run)
    finally:
        reconciler.connector.close()


def start_reconciliation(app: App, agency_id: int, system: str, *, kind: str = "unit") -> int:
    """Start one in a background thread and answer its id at once (the API, the embedded
    runner's schedules). One per agency, PMS and kind at a time in this process."""
    busy = ConflictError(
        "reconciliation.already_running",
        f"A {system} reconciliation is already running",
        field="connector",
    )

    def begin() -> tuple[int, Work]:
        reconciler = _reconciler(app, agency_id, system, kind, None)
        run_id = reconciler.begin()

        def work() -> None:
            try:
                report = reconciler.execute(run_id)
            finally:
                reconciler.connector.close()
            if report.status != "succeeded":
                log.warning("reconciliation %s %s: %s", run_id, report.status, report.error)

        return run_id, work

    key = ("reconcile", agency_id, system, kind)
    return start_once(key, busy, begin, f"reconcile-{system}")
