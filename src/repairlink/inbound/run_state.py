"""A run's row: started or resumed, its checkpoint and report saved with each page (S-03,
S-06), finished with the signpost moved on success (principle 3).

A run is for a schedule (its kinds, whether it creates, its look-back) or, started by hand, for
every kind ("*"). Each keeps its own bookmark: PM-03's hourly run of changes must not move the
bookmark of the daily run of owners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from repairlink.pms.profile import Profile, Schedule
from repairlink.store.sync_tables import connections, sync_runs

EVERY_KIND = "*"


@dataclass(frozen=True)
class RunPlan:
    """What a run is for."""

    key: str  # the bookmark it reads and moves: its schedule's name, or "*"
    kinds: frozenset[str]
    full: bool
    creates: bool
    lookback: timedelta | None
    initial_full: bool
    rule: str = ""  # its schedule's rule ("" by hand)
    creator: str = ""  # in words, the run that creates what this one leaves ("" if it creates)


def plan_for(profile: Profile, schedule: Schedule | None, *, full: bool = False) -> RunPlan:
    schedules = profile.of(Schedule)
    if schedule is None:
        return RunPlan(
            EVERY_KIND,
            frozenset(profile.kinds),
            full,
            True,
            max((s.lookback for s in schedules), default=None),
            any(s.initial_full for s in schedules) or not schedules,
        )
    creators = [s for s in schedules if s.creates and set(schedule.kinds) <= set(s.kinds)]
    return RunPlan(
        schedule.name,
        frozenset(schedule.kinds),
        full or schedule.full,
        schedule.creates,
        schedule.lookback,
        schedule.initial_full,
        schedule.rule,
        "" if schedule.creates else (creators[0].describe() if creators else "a full"),
    )


def named(profile: Profile, key: str | None) -> Schedule | None:
    """The profile's schedule of this name; None for "*" (every kind)."""
    if key in (None, EVERY_KIND):
        return None
    schedules: list[Schedule] = profile.of(Schedule)
    for schedule in schedules:
        if schedule.name == key:
            return schedule
    raise KeyError(f"{profile.system} has no schedule {key!r}")


@dataclass
class RunState:
    run_id: int
    plan: RunPlan
    window_from: datetime | None
    window_to: datetime
    checkpoint: dict[str, dict[str, Any]]
    counts: dict[str, dict[str, int]]
    skip_reasons: dict[str, dict[str, int]]
    rows_written: int = 0


def resume_or_start(
    conn: sa.Connection,
    *,
    agency_id: int,
    connection_id: int,
    plan: RunPlan,
    dry_run: bool,
    start: datetime,
    window: tuple[datetime | None, datetime] | None = None,
) -> RunState:
    """The connection's unfinished run of this plan, resumed as it was; or a new one. With a
    `window` (a page a bridge client pushed, and the window it read), always a new one."""
    run = sync_runs.c
    last = (
        conn.execute(
            sa.select(sync_runs)
            .where(
                run.connection_id == connection_id,
                run.dry_run.is_(dry_run),
                run.schedule == plan.key,
            )
            .order_by(run.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    if (
        window is None
        and last is not None
        and last["status"] in ("running", "failed")
        and not dry_run
    ):
        conn.execute(
            sa.update(sync_runs)
            .where(run.id == last["id"])
            .values(status="running", error=None, attempts=last["attempts"] + 1)
        )
        return RunState(
            last["id"],
            plan,
            last["window_from"],
            last["window_to"],
            dict(last["checkpoint"]),
            dict(last["counts"]),
            dict(last["skip_reasons"]),
        )
    if window is not None:
        window_from, start = window
    else:
        window_from = None if plan.full else _window_from(conn, connection_id, plan, start)
    run_id = conn.execute(
        sa.insert(sync_runs)
        .values(
            agency_id=agency_id,
            connection_id=connection_id,
            mode="full" if window_from is None else "incremental",
            schedule=plan.key,
            dry_run=dry_run,
            status="running",
            started_at=start,
            window_from=window_from,
            window_to=start,
            checkpoint={},
            counts={},
            skip_reasons={},
            attempts=1,
        )
        .returning(run.id)
    ).scalar_one()
    return RunState(run_id, plan, window_from, start, {}, {}, {})


def _window_from(
    conn: sa.Connection, connection_id: int, plan: RunPlan, start: datetime
) -> datetime | None:
    """Principle 3, the signpost: read from this schedule's last good run's start (or, before
    its first, the last good run of every kind), less an overlap."""
    bookmarks: dict[str, str] = conn.execute(
        sa.select(connections.c.bookmarks).where(connections.c.id == connection_id)
    ).scalar_one()
    mark = bookmarks.get(plan.key) or bookmarks.get(EVERY_KIND)
    if mark:
        since = datetime.fromisoformat(str(mark))
        return since - plan.lookback if plan.lookback else since
    if not plan.initial_full and plan.lookback:
        return start - plan.lookback  # PX-01: no initial full sync, only the look-back window
    return None


def save(conn: sa.Connection, state: RunState) -> None:
    """The checkpoint and report, in the transaction of the page they cover (S-03)."""
    conn.execute(
        sa.update(sync_runs)
        .where(sync_runs.c.id == state.run_id)
        .values(checkpoint=state.checkpoint, counts=state.counts, skip_reasons=state.skip_reasons)
    )


def finish(
    conn: sa.Connection,
    state: RunState,
    status: str,
    error: str | None,
    *,
    finished: datetime,
    connection_id: int,
    move_bookmark: bool,
    every_kind: frozenset[str],
) -> None:
    conn.execute(
        sa.update(sync_runs)
        .where(sync_runs.c.id == state.run_id)
        .values(
            status=status,
            error=error,
            finished_at=finished,
            checkpoint=state.checkpoint,
            counts=state.counts,
            skip_reasons=state.skip_reasons,
        )
    )
    if status == "succeeded" and move_bookmark:  # to the run's start, never to what it saw
        c = connections.c
        marks = dict(
            conn.execute(sa.select(c.bookmarks).where(c.id == connection_id)).scalar_one() or {}
        )
        moved = {state.plan.key}
        if state.plan.creates and state.plan.kinds >= every_kind:
            moved.add(EVERY_KIND)  # it read every kind: a run by hand may start from here
        marks.update({key: state.window_to.isoformat() for key in moved})
        conn.execute(sa.update(connections).where(c.id == connection_id).values(bookmarks=marks))
