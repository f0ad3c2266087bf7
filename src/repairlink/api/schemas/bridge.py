"""The bridge's request and answer bodies (docs/bridge.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from repairlink.api.schemas.common import ReadModel, WriteModel

MAX_ITEMS = 1000  # a page with more is refused with 413
MAX_BYTES = 4 * 1024 * 1024


class Window(WriteModel):
    from_: datetime | None = Field(
        alias="from", description="Where the client's read started (null: everything)"
    )
    to: datetime = Field(description="When the client read the page")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.to.tzinfo is None or (self.from_ is not None and self.from_.tzinfo is None):
            raise ValueError("times need an offset (2026-12-03T10:00:00Z)")
        if self.from_ is not None and self.from_ >= self.to:
            raise ValueError("from must be before to")
        return self


class PushedPage(WriteModel):
    stream: str = Field(max_length=32, description="properties, residents or work_orders")
    window: Window
    items: list[Any] = Field(description="The PMS's records, as the PMS shows them")
    dry_run: bool = False


class RunOpen(WriteModel):
    window: Window
    dry_run: bool = False


class RunOpened(BaseModel):
    run_id: int
    dry_run: bool
    window_from: datetime | None
    window_to: datetime
    pages: str = Field(description="Push each page to this address, followed by its stream")
    finish: str = Field(description="Finish the run here: its report")


class PageAccepted(BaseModel):
    run_id: int
    stream: str
    items: int = Field(description="How many items the page carried")


# The body of a page pushed into an open run, as OpenAPI shows it (it is read as bytes)
PAGE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": {
                        "type": "array",
                        "maxItems": MAX_ITEMS,
                        "items": {"type": "object"},
                        "description": "The PMS's records, as the PMS shows them",
                    }
                },
            }
        }
    },
}


class QuarantinedItem(BaseModel):
    kind: str
    external_id: str
    reason: str


class PushReport(BaseModel):
    run_id: int
    status: str
    dry_run: bool
    window_from: datetime | None
    window_to: datetime
    counts: dict[str, dict[str, int]]
    skip_reasons: dict[str, dict[str, int]]
    quarantined: list[QuarantinedItem]
    href: str
    error: str | None = None


class CommandRead(ReadModel):
    id: int
    op: str = Field(description="create_work_order, update_work_order or sync_all")
    key: str = Field(description="Unique per event and step: de-duplicate on it")
    body: dict[str, Any]
    created_at: datetime


class Acknowledgement(WriteModel):
    ok: bool = Field(description="true: applied in the PMS (or skipped, saying why)")
    work_order_id: str | None = Field(default=None, max_length=64)
    number: str | None = Field(default=None, max_length=64)
    assignee_id: str | None = Field(default=None, max_length=64)
    assigned: bool | None = Field(
        default=None, description="false: the work order is no longer the integration user's"
    )
    skipped: str | None = Field(default=None, max_length=300, description="why nothing was done")
    error: str | None = Field(default=None, max_length=2000)
    retryable: bool = True

    @model_validator(mode="after")
    def _complete(self) -> Acknowledgement:
        if not self.ok and not self.error:
            raise ValueError("error: say why it failed")
        return self


class Acknowledged(BaseModel):
    state: str
    next: CommandRead | None


class BridgeInfo(BaseModel):
    connection_id: int
    system: str
    hours: int = Field(description="Each run reads what changed in the last this many hours")
    streams: list[str]
    max_items: int
    settings: dict[str, Any]


class TokenRead(ReadModel):
    id: int
    connection_id: int
    label: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="Shown once: keep it in the client's settings")


class TokenCreate(WriteModel):
    label: str = Field(default="", max_length=120)


StreamName = Literal["properties", "residents", "work_orders"]
