"""Shapes of connections, sync runs and their reports (S-06, S-07, S-04), reconciliations
(PW-09)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from repairlink.api.schemas.common import ReadModel
from repairlink.jobs.reseal import secret_fields

SECRET_NAMES = ("secret", "password", "token")


class ConnectionRead(ReadModel):
    id: int
    system: str
    enabled: bool
    config: dict[str, Any]  # secrets shown as '********'
    bookmarks: dict[str, Any]
    created_at: datetime


def masked(row: dict[str, Any]) -> ConnectionRead:
    secret = secret_fields(row["system"])
    config = {
        k: ("********" if k in secret or any(s in k for s in SECRET_NAMES) else v)
        for k, v in row["config"].items()
    }
    return ConnectionRead.model_validate({**row, "config": config})


class UnsupportedRead(BaseModel):
    what: str
    message: str


class ScheduleRead(BaseModel):
    kinds: list[str]  # the record kinds it syncs
    when: str  # in words: "daily at 02:00 (Europe/London)"


class ConnectorRead(BaseModel):
    """A connector the agency can use: when it syncs, and what it does not do (said plainly,
    never an error)."""

    system: str
    title: str
    schedules: list[ScheduleRead]
    unsupported: list[UnsupportedRead]


class RunStart(BaseModel):
    full: bool = False
    dry_run: bool = False


class RunStarted(BaseModel):
    run_id: int
    href: str


class RunRead(ReadModel):
    id: int
    system: str
    mode: str
    dry_run: bool
    status: str
    started_at: datetime
    finished_at: datetime | None
    window_from: datetime | None
    window_to: datetime
    counts: dict[str, dict[str, int]]
    skip_reasons: dict[str, dict[str, int]]
    error: str | None
    attempts: int


class SkipRead(ReadModel):
    id: int
    kind: str
    external_id: str
    rule: str
    reason: str


class QuarantineRead(ReadModel):
    id: int
    kind: str
    external_id: str
    reason: str
    payload: dict[str, Any]


class PlannedChangeRead(ReadModel):
    id: int
    kind: str
    external_id: str
    action: str
    entity_id: int | None
    changes: dict[str, list[Any]]


class ReconciliationStart(BaseModel):
    kind: str = Field("unit", max_length=32, description="The record kind the profile reconciles")


class ReconciliationStarted(BaseModel):
    reconciliation_id: int
    href: str


class ReconciliationRead(ReadModel):
    id: int
    system: str
    rule: str
    kind: str
    status: str  # running | succeeded | refused | failed
    started_at: datetime
    finished_at: datetime | None
    listed: int
    held: int
    deactivated: int
    error: str | None
