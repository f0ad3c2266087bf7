"""Shapes of the way out: issue sync status (PW-10), deliveries and their attempts (S-01),
webhook subscriptions (S-02)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, Field

from repairlink.api.schemas.common import ReadModel, WriteModel


class IssueSyncRead(ReadModel):
    connector: str
    status: Literal["synced", "pending", "failed", "not_sent"]
    reason: str | None = Field(
        None, description="Why it failed, or what the PMS made of it (e.g. why no charge, AL-13)"
    )
    attempts: int
    next_attempt_at: datetime | None = None
    dead: bool = False
    pms_number: str | None = Field(
        None, description="The PMS's own number for the issue, where it numbers them (PX-07)"
    )


class Rearmed(BaseModel):
    rearmed: int = Field(description="Deliveries that will be tried again at once")


class AttemptRead(ReadModel):
    at: datetime
    ok: bool
    status_code: int | None
    duration_ms: int
    error: str | None
    worker: str


class DeliveryRead(ReadModel):
    id: int
    event_id: int
    event_type: str
    channel: Literal["connection", "webhook", "mail"]
    target_id: int
    aggregate_kind: str
    aggregate_id: int
    state: Literal["pending", "delivered", "skipped", "dead"]
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    note: str | None
    created_at: datetime
    finished_at: datetime | None


class DeliveryDetail(DeliveryRead):
    attempt_log: list[AttemptRead]


class WebhookCreate(WriteModel):
    url: Annotated[AnyHttpUrl, Field(description="http(s) only; public addresses only")]
    event_types: list[Annotated[str, Field(max_length=64)]] = Field(
        min_length=1, max_length=50, description="Event types: 'issue.closed', 'issue.*' or '*'"
    )
    description: Annotated[str, Field(max_length=255)] = ""


class WebhookUpdate(WriteModel):
    active: bool


class WebhookRead(ReadModel):
    id: int
    url: str
    event_types: list[str]
    description: str
    active: bool
    disabled_reason: str | None
    created_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="whsec_...: verify signatures with it. Shown only once.")


class EventTypeRead(BaseModel):
    type: str
    description: str
