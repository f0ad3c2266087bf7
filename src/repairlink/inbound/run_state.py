"""A run's row: started or resumed, its checkpoint and report saved with each page (S-03,
S-06), finished with the signpost moved on success (principle 3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from repairlink.pms.profile import Schedule
from repairlink.store.sync_tables import connections, sync_runs


@dataclass
class RunState:
    run_id: int
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
    full: bool,
    dry_run: bool,
    start: datetime,
    schedules: list[Schedule],
) -> RunState:
    """The connection's unfinished run, resumed as it was; or a new one."""
    run = sync_runs.c
    last = (
        conn.execute(
            sa.select(sync_runs)
            .where(run.connection_id == connection_id, run.dry_run.is_(dry_run))
            .order_by(run.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    if last is not None and last["status"] in ("running", "failed") and not dry_run:
        conn.execute(
            sa.update(sync_runs)
            .where(run.id == last["id"])
            .values(status="running", error=None, attempts=last["attempts"] + 1)
        )
        return RunState(
            last["id"],
            last["window_from"],
            last["window_to"],
            dict(last["checkpoint"]),
            dict(last["counts"]),
            dict(last["skip_reasons"]),
        )
    window_from = None if full else _window_from(conn, connection_id, schedules, start)
    run_id = conn.execute(
        sa.insert(sync_runs)
        .values(
            agency_id=agency_id,
            connection_id=connection_id,
            mode="full" if window_from is None else "incremental",
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
    return RunState(run_id, window_from, start, {}, {}, {})


def _window_from(
    conn: sa.Connection, connection_id: int, schedules: list[Schedule], start: datetime
) -> datetime | None:
    """Principle 3, the signpost: read from the last good run's start, less an overlap."""
    overlap = max((s.lookback for s in schedules), default=None)
    bookmarks: dict[str, str] = conn.execute(
        sa.select(connections.c.bookmarks).where(connections.c.id == connection_id)
    ).scalar_one()
    if bookmarks.get("*"):
        since = datetime.fromisoformat(str(bookmarks["*"]))
        return since - overlap if overlap else since
    if schedules and not any(s.initial_full for s in schedules) and overlap:
        return start - overlap  # PX-01: no initial full sync, only the look-back window
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
        conn.execute(
            sa.update(connections)
            .where(connections.c.id == connection_id)
            .values(bookmarks={"*": state.window_to.isoformat()})
        )
