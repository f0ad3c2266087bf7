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
    )
    return issue.id
