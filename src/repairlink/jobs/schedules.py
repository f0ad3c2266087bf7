"""Connector schedules (AL-01 daily, PW-05 nightly...) and reconciliations (PW-09 monthly): which
runs are due now. A due time fires once, by construction: its (connection, schedule, time) row
is unique, so two runners that look at the same moment cannot both start it, and a runner that
was down catches up with the latest missed time only."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from croniter import croniter

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.errors import ConflictError
from repairlink.jobs.reconcile_run import start_reconciliation
from repairlink.pms.profile import Reconciliation, Schedule
from repairlink.store.outbound_tables import schedule_fires
from repairlink.store.sync_tables import connections

log = logging.getLogger(__name__)
JUST_AFTER = timedelta(microseconds=1)


@dataclass(frozen=True)
class Due:
    agency_id: int
    system: str
    connection_id: int
    schedule: Schedule
    fire_at: datetime


@dataclass(frozen=True)
class DueReconciliation:
    agency_id: int
    system: str
    connection_id: int
    reconciliation: Reconciliation
    fire_at: datetime


def name_of(schedule: Schedule | Reconciliation) -> str:
    if isinstance(schedule, Reconciliation):
        return f"{schedule.rule}:reconcile:{schedule.cron}"
    return schedule.name


def last_fire_time(schedule: Schedule | Reconciliation, now: datetime) -> datetime:
    """The latest time at or before `now` when the schedule says to run."""
    if schedule.cron is not None:
        local = now.astimezone(ZoneInfo(schedule.tz))
        # croniter's previous time is strictly before its start: start a hair later, so that
        # a check at the very instant a run is due finds that run, not last month's
        previous: datetime = croniter(schedule.cron, local + JUST_AFTER).get_prev(datetime)
        return previous.astimezone(now.tzinfo)
    assert isinstance(schedule, Schedule)
    assert schedule.every is not None
    step = schedule.every.total_seconds()
    return datetime.fromtimestamp(now.timestamp() // step * step, tz=now.tzinfo)


def claim_due(app: App, now: datetime) -> list[Due | DueReconciliation]:
    """Record and answer every schedule and reconciliation due since it last fired (each time
    at most once)."""
    c = connections.c
    due: list[Due | DueReconciliation] = []
    with app.engine.begin() as conn:
        rows = conn.execute(
            sa.select(c.id, c.agency_id, c.system, c.created_at, c.config).where(c.enabled)
        ).all()
    for row in rows:
        kind = REGISTRY.get(row.system)
        if kind is None or kind.bridged:  # a bridged PMS's client keeps its schedule itself
            continue
        for schedule in kind.profile.of(Schedule):
            fire_at = last_fire_time(kind.timed(schedule, row.config), now)
            if fire_at < row.created_at:  # nothing was due before the agency connected
                continue
            if _record(app, row.id, name_of(schedule), fire_at, now):
                due.append(Due(row.agency_id, row.system, row.id, schedule, fire_at))
        for declared in kind.profile.of(Reconciliation):
            fire_at = last_fire_time(declared, now)
            if fire_at >= row.created_at and _record(app, row.id, name_of(declared), fire_at, now):
                due.append(DueReconciliation(row.agency_id, row.system, row.id, declared, fire_at))
    return due


def _record(app: App, connection_id: int, name: str, fire_at: datetime, now: datetime) -> bool:
    try:
        with app.engine.begin() as conn:
            conn.execute(
                sa.insert(schedule_fires).values(
                    connection_id=connection_id, schedule=name, fire_at=fire_at, fired_at=now
                )
            )
        return True
    except sa.exc.IntegrityError:  # another runner fired it first
        return False


def fire_due(
    app: App,
    start: Callable[[Due], None],
    now: datetime,
    *,
    reconcile: Callable[[DueReconciliation], None] | None = None,
) -> int:
    """Start every due run with `start` (a thread, or a Procrastinate job), and every due
    reconciliation with `reconcile` (by default a thread of this process, as the embedded
    runner wants); answers how many."""
    found = claim_due(app, now)
    for item in found:
        if not isinstance(item, DueReconciliation):
            start(item)
        elif reconcile is not None:
            reconcile(item)
        else:
            reconcile_here(app, item)
    return len(found)


def reconcile_here(app: App, due: DueReconciliation) -> None:
    """Start a due reconciliation in a thread of this process."""
    kind = due.reconciliation.kind
    try:
        start_reconciliation(app, due.agency_id, due.system, kind=kind)
    except ConflictError:
        log.info("scheduled %s reconciliation skipped: one is already running", due.system)


POLL = timedelta(seconds=30)
