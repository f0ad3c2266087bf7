"""Records a sync creates through their use case, not as bulk rows (see inbound.kinds): an
inbound work order is reported as an issue, as a person would report it, so that it gets its
number, its status, its audit entries and its `issue.created` event, in the run's transaction.
The sync acts as an agent of the agency; the audit trail names the run."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.inbound.apply import RunContext
from repairlink.inbound.page import UseCaseWriter
from repairlink.inbound.plan import Decision
from repairlink.services import issues
from repairlink.services.auth import Principal
from repairlink.store.tables import units


def use_cases(app: App) -> dict[str, UseCaseWriter]:
    return {"issue": partial(report_issue, app)}


def report_issue(app: App, conn: sa.Connection, ctx: RunContext, decision: Decision) -> int:
    actor = Actor(ActorKind.SYNC_RUN, ctx.run_id, ctx.label)
    values = decision.values
    issue = issues.report(
        app.uow_on(conn, actor, ctx.agency_id),
        Principal(ctx.agency_id, Role.AGENT, None, actor),
        title=str(values.get("title") or ""),
        description=str(values.get("description") or ""),
        category=str(values.get("category") or ""),
        priority=str(values.get("priority") or "normal"),
        unit_id=values.get("unit_id"),
        reporter_occupier_id=values.get("reporter_occupier_id"),
        manager_ref=_manager_of(conn, values.get("unit_id")),
    )
    return issue.id


def _manager_of(conn: sa.Connection, unit_id: int | None) -> str | None:
    """PW-04: the property manager's PMS user id, as the PMS told it of the unit (its
    integration data); None where the PMS tells none."""
    if unit_id is None:
        return None
    data = conn.execute(sa.select(units.c.integration_data).where(units.c.id == unit_id)).scalar()
    manager = (data or {}).get("manager_user_id")
    return None if manager is None else str(manager)
