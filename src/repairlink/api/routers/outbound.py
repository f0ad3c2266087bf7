"""The way out: each issue's sync status and "Sync now" (PW-10), "Sync all" for a connector,
the delivery log with dead letters and replay (S-01), and webhook subscriptions (S-02)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from repairlink.api.deps import AdminCaller, Paging, RecordId, StaffCaller
from repairlink.api.schemas.common import PageOf
from repairlink.api.schemas.outbound import (
    DeliveryDetail,
    DeliveryRead,
    EventTypeRead,
    IssueSyncRead,
    Rearmed,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)
from repairlink.domain.events import EVENT_TYPES
from repairlink.jobs import bridge
from repairlink.outbound import views
from repairlink.webhooks import subscriptions

router = APIRouter(tags=["outbound"])
System = Annotated[str, Path(max_length=32, description="The PMS: alto, ...")]


@router.get("/issues/{issue_id}/sync", summary="PW-10: the issue's sync status with each PMS")
def issue_sync(caller: StaffCaller, issue_id: RecordId) -> PageOf[IssueSyncRead]:
    statuses = views.issue_sync_status(caller.uow(), issue_id)
    return PageOf(items=[IssueSyncRead.model_validate(s) for s in statuses])


@router.post(
    "/issues/{issue_id}/sync",
    status_code=202,
    summary="PW-10 Sync now: retry the issue's waiting or failed deliveries, or send it again",
)
def issue_sync_now(caller: StaffCaller, issue_id: RecordId) -> Rearmed:
    return Rearmed(rearmed=views.sync_issue_now(caller.uow(), issue_id))


@router.post(
    "/connections/{system}/sync-all",
    status_code=202,
    summary="Sync all: retry now every delivery to this PMS that waits or failed",
)
def connection_sync_all(caller: StaffCaller, system: System) -> Rearmed:
    rearmed = views.sync_all(caller.uow(), system)
    bridge.sync_all_requested(caller.app, caller.who.agency_id, system)  # PX-08
    return Rearmed(rearmed=rearmed)


@router.get("/deliveries", summary="The delivery log, newest first; state=dead lists dead letters")
def list_deliveries(
    caller: StaffCaller,
    paging: Paging,
    state: Literal["pending", "delivered", "skipped", "dead"] | None = None,
    channel: Literal["connection", "webhook", "mail"] | None = None,
    target_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> PageOf[DeliveryRead]:
    page = views.list_deliveries(
        caller.uow(),
        state=state,
        channel=channel,
        target_id=target_id,
        limit=paging.limit,
        cursor=paging.cursor,
    )
    return PageOf[DeliveryRead].model_validate(page)


@router.get("/deliveries/{delivery_id}", summary="A delivery with every attempt at it")
def get_delivery(caller: StaffCaller, delivery_id: RecordId) -> DeliveryDetail:
    return DeliveryDetail.model_validate(views.get_delivery(caller.uow(), delivery_id))


@router.post("/deliveries/{delivery_id}/replay", summary="Send a delivery again now")
def replay_delivery(caller: StaffCaller, delivery_id: RecordId) -> DeliveryRead:
    return DeliveryRead.model_validate(views.replay(caller.uow(), delivery_id))


@router.post("/deliveries/replay-dead", summary="Replay every dead letter")
def replay_dead(
    caller: StaffCaller, channel: Literal["connection", "webhook", "mail"] | None = None
) -> Rearmed:
    return Rearmed(rearmed=views.replay_dead(caller.uow(), channel=channel))


@router.get("/webhook-event-types", summary="Every event type a webhook can subscribe to")
def event_types(caller: StaffCaller) -> PageOf[EventTypeRead]:
    return PageOf(items=[EventTypeRead(type=k, description=v) for k, v in EVENT_TYPES.items()])


@router.get("/webhooks", summary="The agency's webhook subscriptions")
def list_webhooks(caller: StaffCaller) -> PageOf[WebhookRead]:
    hooks = subscriptions.list_all(caller.uow())
    return PageOf(items=[WebhookRead.model_validate(w) for w in hooks])


@router.post("/webhooks", status_code=201, summary="Subscribe a URL to event types (S-02)")
def create_webhook(caller: AdminCaller, body: WebhookCreate) -> WebhookCreated:
    row, secret = subscriptions.subscribe(
        caller.uow(),
        url=str(body.url),
        event_types=body.event_types,
        description=body.description,
        allow_private=caller.app.settings.webhooks_allow_private,
        allow_loopback=caller.app.settings.webhooks_allow_loopback,
    )
    return WebhookCreated.model_validate({**row, "secret": secret})


@router.get("/webhooks/{webhook_id}", summary="One subscription")
def get_webhook(caller: StaffCaller, webhook_id: RecordId) -> WebhookRead:
    return WebhookRead.model_validate(subscriptions.get(caller.uow(), webhook_id))


@router.patch("/webhooks/{webhook_id}", summary="Pause or resume a subscription")
def update_webhook(caller: AdminCaller, webhook_id: RecordId, body: WebhookUpdate) -> WebhookRead:
    row = subscriptions.set_active(caller.uow(), webhook_id, body.active, "Paused by the agency")
    return WebhookRead.model_validate(row)


@router.get("/webhooks/{webhook_id}/deliveries", summary="The subscription's delivery log")
def webhook_deliveries(
    caller: StaffCaller, webhook_id: RecordId, paging: Paging
) -> PageOf[DeliveryRead]:
    subscriptions.get(caller.uow(), webhook_id)
    page = views.list_deliveries(
        caller.uow(),
        channel="webhook",
        target_id=webhook_id,
        limit=paging.limit,
        cursor=paging.cursor,
    )
    return PageOf[DeliveryRead].model_validate(page)
