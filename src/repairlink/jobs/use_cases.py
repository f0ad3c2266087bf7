"""Records a sync creates through their use case, not as bulk rows (see inbound.kinds): an
inbound work order is reported as an issue, as a person would report it, so that it gets its
number, its status, its audit entries and its `issue.created` event, in the run's transaction.
A page's work orders are reported together (`services.reporting_many`: the same checks and
records as one `report` each, in a few statements). The sync acts as an agent of the agency;
the audit trail names the run."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Issue
from repairlink.errors import RepairlinkError
from repairlink.inbound.apply import RunContext
from repairlink.inbound.page import UseCaseWriter
from repairlink.inbound.plan import Decision
from repairlink.services.auth import Principal
from repairlink.services.reporting_many import NewIssue, report_many
from repairlink.store.tables import units


def use_cases(app: App) -> dict[str, UseCaseWriter]:
    return {"issue": partial(report_issues, app)}


def report_issues(
    app: App, conn: sa.Connection, ctx: RunContext, decisions: list[Decision]
) -> list[int | RepairlinkError]:
    actor = Actor(ActorKind.SYNC_RUN, ctx.run_id, ctx.label)
    managers = managers_of(conn, (d.values.get("unit_id") for d in decisions))
    answers = report_many(
        app.uow_on(conn, actor, ctx.agency_id),
        Principal(ctx.agency_id, Role.AGENT, None, actor),
        [new_issue(d.values, managers) for d in decisions],
    )
    return [a.id if isinstance(a, Issue) else a for a in answers]


def new_issue(values: dict[str, Any], managers: dict[int | None, str]) -> NewIssue:
    """An inbound work order's values as the issue `report` is asked for."""
    return NewIssue(
        title=str(values.get("title") or ""),
        description=str(values.get("description") or ""),
        category=str(values.get("category") or ""),
        priority=str(values.get("priority") or "normal"),
        unit_id=values.get("unit_id"),
        reporter_occupier_id=values.get("reporter_occupier_id"),
        manager_ref=managers.get(values.get("unit_id")),
    )


def managers_of(conn: sa.Connection, unit_ids: Iterable[int | None]) -> dict[int | None, str]:
    """PW-04: each unit's property manager, by the PMS user id the PMS told of the unit (its
    integration data); a unit whose PMS tells none is left out."""
    wanted = {u for u in unit_ids if u is not None}
    if not wanted:
        return {}
    found = conn.execute(
        sa.select(units.c.id, units.c.integration_data).where(units.c.id.in_(wanted))
    )
    managers: dict[int | None, str] = {}
    for unit_id, data in found:
        manager = (data or {}).get("manager_user_id")
        if manager is not None:
            managers[unit_id] = str(manager)
    return managers
