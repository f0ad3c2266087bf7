"""Webhooks (S-02): the agency's subscriptions, subscribing (the signing secret is shown once),
pause and resume, and each subscription's delivery log with replay (S-01)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.agency import Role
from repairlink.domain.events import EVENT_TYPES
from repairlink.errors import InvalidError
from repairlink.outbound import views
from repairlink.web.plain import refusal
from repairlink.web.render import page, redirect
from repairlink.web.session import AdminPost, Staff, StaffPost, Viewer
from repairlink.webhooks import subscriptions

router = APIRouter(prefix="/webhooks")
PAUSED = "Paused by the agency"


def _list_page(
    request: Request,
    viewer: Viewer,
    *,
    values: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    extra = {"error": error} if error else {}
    return page(
        request,
        "webhooks/list.html",
        viewer,
        status_code=status,
        title="Webhooks",
        subscriptions=subscriptions.list_all(viewer.uow()),
        event_types=EVENT_TYPES,
        is_admin=viewer.who.role is Role.ADMIN,
        values=values or {"url": "", "event_types": [], "description": ""},
        **extra,
    )


@router.get("", response_class=HTMLResponse)
def overview(request: Request, viewer: Staff) -> HTMLResponse:
    return _list_page(request, viewer)


@router.post("", response_class=HTMLResponse)
def create(
    request: Request,
    viewer: AdminPost,
    url: Annotated[str, Form(max_length=2048)],
    event_types: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    description: Annotated[str, Form(max_length=255)] = "",
) -> HTMLResponse:
    """The answer is a page, not a redirect: the secret is in it, once, and never stored in a
    cookie or a URL; `no-store` keeps it out of the browser's cache."""
    chosen = ["*"] if "*" in event_types else event_types
    try:
        row, secret = subscriptions.subscribe(
            viewer.uow(),
            url=url.strip(),
            event_types=chosen,
            description=description.strip(),
            allow_private=viewer.app.settings.webhooks_allow_private,
            allow_loopback=viewer.app.settings.webhooks_allow_loopback,
        )
    except InvalidError as exc:  # the form comes back as it was sent, with the reason
        values = {"url": url, "event_types": event_types, "description": description}
        return _list_page(
            request, viewer, values=values, error=refusal(exc, "/webhooks"), status=422
        )
    response = page(
        request, "webhooks/created.html", viewer, title="Webhook created", hook=row, secret=secret
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/{webhook_id}/pause")
def pause(viewer: AdminPost, webhook_id: int) -> RedirectResponse:
    hook = subscriptions.set_active(viewer.uow(), webhook_id, False, PAUSED)
    return redirect("/webhooks", notice=f"Paused: no events are sent to {hook['url']}")


@router.post("/{webhook_id}/resume")
def resume(viewer: AdminPost, webhook_id: int) -> RedirectResponse:
    hook = subscriptions.set_active(viewer.uow(), webhook_id, True, None)
    return redirect("/webhooks", notice=f"Resumed: events go to {hook['url']} again")


@router.get("/{webhook_id}", response_class=HTMLResponse)
def deliveries(
    request: Request,
    viewer: Staff,
    webhook_id: int,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    hook = subscriptions.get(viewer.uow(), webhook_id)
    found = views.list_deliveries(
        viewer.uow(), channel="webhook", target_id=webhook_id, limit=50, cursor=cursor or None
    )
    attempts = views.attempts_of(viewer.uow(), [int(r["id"]) for r in found.items])
    return page(
        request,
        "webhooks/deliveries.html",
        viewer,
        title=f"Deliveries to {hook['url']}",
        hook=hook,
        deliveries=found.items,
        attempts=attempts,
        next_cursor=found.next_cursor,
        is_admin=viewer.who.role is Role.ADMIN,
    )


@router.post("/{webhook_id}/deliveries/{delivery_id}/replay")
def replay(viewer: StaffPost, webhook_id: int, delivery_id: int) -> RedirectResponse:
    subscriptions.get(viewer.uow(), webhook_id)  # another agency's webhook is not found
    delivery = views.get_delivery(viewer.uow(), delivery_id)
    if delivery["channel"] != "webhook" or int(delivery["target_id"]) != webhook_id:
        return redirect(
            f"/webhooks/{webhook_id}",
            error="That delivery is not one of this webhook's",
        )
    views.replay(viewer.uow(), delivery_id)
    return redirect(f"/webhooks/{webhook_id}", notice="The delivery is sent again")


@router.post("/{webhook_id}/replay-dead")
def replay_dead(viewer: StaffPost, webhook_id: int) -> RedirectResponse:
    subscriptions.get(viewer.uow(), webhook_id)
    count = views.replay_dead(viewer.uow(), channel="webhook", target_id=webhook_id)
    return redirect(f"/webhooks/{webhook_id}", notice=f"{count} dead delivery(ies) sent again")
