"""The bridge (docs/bridge.md): admins make bridge tokens for a connection; a bridge client
(the agency's browser extension, a script) pushes pages, polls commands and acknowledges
them with such a token."""

from __future__ import annotations

from typing import Annotated

import msgspec
import orjson
import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from repairlink.api.deps import MAX_ID, AdminCaller, AppDep, Paging, RecordId
from repairlink.api.schemas.bridge import (
    MAX_BYTES,
    MAX_ITEMS,
    PAGE_BODY,
    Acknowledged,
    Acknowledgement,
    BridgeInfo,
    CommandRead,
    PageAccepted,
    PushedPage,
    PushReport,
    QuarantinedItem,
    RunOpen,
    RunOpened,
    TokenCreate,
    TokenCreated,
    TokenRead,
)
from repairlink.api.schemas.common import PageOf
from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.errors import InvalidError, RepairlinkError, UnauthenticatedError
from repairlink.jobs import bridge, bridge_push
from repairlink.pms import pushed_page
from repairlink.services import bridge_tokens
from repairlink.services.bridge_tokens import BridgeClient
from repairlink.store.db import reading
from repairlink.store.sync_tables import connections, sync_quarantine, sync_runs

router = APIRouter(tags=["bridge"])
System = Annotated[str, Path(max_length=32, description="The PMS: platform, ...")]
ConnectionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The connection's id")]
StreamPath = Annotated[
    str, Path(max_length=32, description="The page's list: properties, residents, work_orders")
]
_bearer = HTTPBearer(auto_error=False, description="A bridge token (rlb_...)")


class TooLarge(RepairlinkError):
    status = 413


def bridge_client(
    app: AppDep,
    connection_id: ConnectionId,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> BridgeClient:
    if credentials is None:
        raise UnauthenticatedError(
            "bridge.missing_token",
            "Send Authorization: Bearer <bridge token>",
            field="authorization",
        )
    with reading(app.engine) as conn:
        return bridge_tokens.authenticate(conn, credentials.credentials, connection_id)


Client = Annotated[BridgeClient, Depends(bridge_client)]


# -- tokens (admins) -------------------------------------------------------------------------
@router.post(
    "/connections/{system}/bridge-tokens",
    status_code=201,
    summary="A bridge token for this connection (shown once)",
)
def create_token(caller: AdminCaller, system: System, body: TokenCreate) -> TokenCreated:
    row, token = bridge_tokens.create_token(caller.uow(), system, body.label)
    return TokenCreated.model_validate({**row, "token": token})


@router.get("/connections/{system}/bridge-tokens", summary="This connection's bridge tokens")
def list_tokens(caller: AdminCaller, system: System, paging: Paging) -> PageOf[TokenRead]:
    page = bridge_tokens.list_tokens(caller.uow(), system, cursor=paging.cursor, limit=paging.limit)
    return PageOf[TokenRead].model_validate(page)


@router.delete(
    "/connections/{system}/bridge-tokens/{token_id}", summary="Revoke a bridge token at once"
)
def revoke_token(caller: AdminCaller, system: System, token_id: RecordId) -> TokenRead:
    return TokenRead.model_validate(bridge_tokens.revoke_token(caller.uow(), system, token_id))


# -- the client ------------------------------------------------------------------------------
@router.get("/bridge/connections/{connection_id}", summary="What the bridge client reads and how")
def info(app: AppDep, client: Client) -> BridgeInfo:
    with reading(app.engine) as conn:
        row = conn.execute(
            sa.select(connections.c.system, connections.c.config).where(
                connections.c.id == client.connection_id
            )
        ).one()
    kind = REGISTRY[row.system]
    config = kind.config_model.model_validate(row.config)
    return BridgeInfo(
        connection_id=client.connection_id,
        system=row.system,
        hours=bridge.FULL_RUN_HOURS,
        streams=[s.name for s in getattr(kind.build, "streams", ())],
        max_items=MAX_ITEMS,
        settings=config.model_dump(mode="json"),
    )


async def _size_limit(request: Request) -> None:
    """A page over the cap is refused before its body is read (413)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BYTES:
        raise TooLarge(
            "bridge.page_too_large", f"A page is at most {MAX_BYTES} bytes", field="items"
        )


@router.post(
    "/bridge/connections/{connection_id}/pages",
    summary="Push a page read from the PMS; applied as a pulled page is (S-04, S-06, S-07)",
    dependencies=[Depends(_size_limit)],
)
def push_page(app: AppDep, client: Client, page: PushedPage) -> PushReport:
    if len(page.items) > MAX_ITEMS:
        raise TooLarge(
            "bridge.page_too_large", f"A page holds at most {MAX_ITEMS} items", field="items"
        )
    body = orjson.dumps({"items": page.items})
    window = (page.window.from_, page.window.to)
    state = bridge_push.push(app, client, page.stream, body, window, dry_run=page.dry_run)
    return _report(app, state.run_id, page.dry_run)


@router.post(
    "/bridge/connections/{connection_id}/runs",
    status_code=201,
    summary="Open a run to push many pages into (one run, one report)",
)
def open_run(app: AppDep, client: Client, body: RunOpen) -> RunOpened:
    window = (body.window.from_, body.window.to)
    run_id = bridge_push.open_run(app, client, window, dry_run=body.dry_run)
    here = f"/api/v1/bridge/connections/{client.connection_id}/runs/{run_id}"
    return RunOpened(
        run_id=run_id,
        dry_run=body.dry_run,
        window_from=body.window.from_,
        window_to=body.window.to,
        pages=f"{here}/pages",
        finish=f"{here}/finish",
    )


def _items_in(body: bytes) -> int:
    """How many items the page carries; a page that is not `{"items": [...]}` is refused."""
    try:  # the items' bytes, not objects: the engine's process parses them (pms/pushed_page)
        items = pushed_page.DECODER.decode(body).items
    except msgspec.ValidationError:  # JSON, not of that shape (a kind of DecodeError: first)
        raise InvalidError("bridge.no_items", 'Send {"items": [...]}', field="items") from None
    except msgspec.DecodeError:
        raise InvalidError("bridge.not_json", "The page is not JSON", field="body") from None
    if len(items) > MAX_ITEMS:
        raise TooLarge(
            "bridge.page_too_large", f"A page holds at most {MAX_ITEMS} items", field="items"
        )
    return len(items)


@router.post(
    "/bridge/connections/{connection_id}/runs/{run_id}/pages/{stream}",
    status_code=202,
    summary="Push a page into an open run: applied as a pulled page is (S-04, S-06, S-07)",
    dependencies=[Depends(_size_limit)],
    openapi_extra={"requestBody": PAGE_BODY},
)
async def push_into_run(
    app: AppDep, client: Client, run_id: RecordId, stream: StreamPath, request: Request
) -> PageAccepted:
    body = await request.body()  # as sent: the connector parses it, once
    if len(body) > MAX_BYTES:
        raise TooLarge(
            "bridge.page_too_large", f"A page is at most {MAX_BYTES} bytes", field="items"
        )
    items = _items_in(body)
    await run_in_threadpool(bridge_push.push_page, app, client, run_id, stream, body)
    return PageAccepted(run_id=run_id, stream=stream, items=items)


@router.post(
    "/bridge/connections/{connection_id}/runs/{run_id}/finish",
    summary="Finish an open run once its pages are applied: its report",
)
def finish_run(app: AppDep, client: Client, run_id: RecordId) -> PushReport:
    bridge_push.finish_run(app, client, run_id)
    with reading(app.engine) as conn:
        dry_run = conn.execute(
            sa.select(sync_runs.c.dry_run).where(sync_runs.c.id == run_id)
        ).scalar_one()
    return _report(app, run_id, bool(dry_run))


def _report(app: App, run_id: int, dry_run: bool) -> PushReport:
    with reading(app.engine) as conn:
        run = conn.execute(sa.select(sync_runs).where(sync_runs.c.id == run_id)).mappings().one()
        q = sync_quarantine.c
        bad = conn.execute(
            sa.select(q.kind, q.external_id, q.reason).where(q.run_id == run_id).limit(100)
        ).all()
    return PushReport(
        run_id=run_id,
        status=run["status"],
        dry_run=dry_run,
        window_from=run["window_from"],
        window_to=run["window_to"],
        counts=run["counts"],
        skip_reasons=run["skip_reasons"],
        quarantined=[QuarantinedItem(kind=k, external_id=e, reason=r) for k, e, r in bad],
        href=f"/api/v1/sync-runs/{run_id}",
        error=run["error"],
    )


@router.post(
    "/bridge/connections/{connection_id}/poll",
    summary="The commands waiting for the PMS, leased to this client (in order per issue)",
)
def poll(
    app: AppDep,
    client: Client,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    lease_s: Annotated[float, Query(ge=5, le=3600)] = 60,
    wait_s: Annotated[
        float,
        Query(ge=0, le=30, description="None waiting: wait this long for one (a long poll)"),
    ] = 0,
) -> PageOf[CommandRead]:
    items = bridge.poll(app, client, limit=limit, lease_s=lease_s, wait_s=wait_s)
    return PageOf[CommandRead].model_validate({"items": items, "next_cursor": None})


@router.post(
    "/bridge/connections/{connection_id}/commands/{command_id}/ack",
    summary="The outcome of a command in the PMS: its number and assignee, or why it failed",
)
def acknowledge(
    app: AppDep, client: Client, command_id: RecordId, body: Acknowledgement
) -> Acknowledged:
    result = bridge.acknowledge(app, client, command_id, body.model_dump())
    return Acknowledged.model_validate(result)
