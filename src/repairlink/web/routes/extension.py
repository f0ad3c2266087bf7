"""The browser extension's page of a PMS read through the bridge (docs/bridge.md): what to
type into the extension's options (Repairlink's address, the connection number, a bridge
token), the connection's tokens, making one (shown once) and revoking one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from repairlink.connectors import REGISTRY, ConnectorKind
from repairlink.domain.agency import Role
from repairlink.errors import NotFoundError
from repairlink.services import bridge_tokens, connections
from repairlink.web.render import page, redirect
from repairlink.web.session import AdminPost, Staff, Viewer

router = APIRouter(prefix="/integrations")


def _bridged(system: str) -> ConnectorKind:
    """A PMS read through the bridge; 404 for any other (the token calls then find the
    agency's connection to it, or answer 404 themselves)."""
    kind = REGISTRY.get(system)
    if kind is None or not kind.bridged:
        name = kind.title if kind else system
        raise NotFoundError(
            "connector.no_bridge", f"{name} is not read through a browser extension"
        )
    return kind


def _page(
    request: Request, viewer: Viewer, system: str, template: str, **extra: Any
) -> HTMLResponse:
    kind = _bridged(system)
    connection = connections.get_connection(viewer.uow(), system)
    return page(
        request,
        template,
        viewer,
        title=f"{kind.title}: browser extension",
        kind=kind,
        connection=connection,
        address=str(request.base_url).rstrip("/"),
        tokens=bridge_tokens.list_tokens(viewer.uow(), system, limit=200).items,
        is_admin=viewer.who.role is Role.ADMIN,
        **extra,
    )


@router.get("/{system}/extension", response_class=HTMLResponse)
def extension(request: Request, viewer: Staff, system: str) -> HTMLResponse:
    return _page(request, viewer, system, "integrations/extension.html")


@router.post("/{system}/extension/tokens", response_class=HTMLResponse)
def make_token(
    request: Request,
    viewer: AdminPost,
    system: str,
    label: Annotated[str, Form(max_length=120)] = "",
) -> HTMLResponse:
    """A page, not a redirect: the token is in it, once, never in a cookie or a URL, and
    `no-store` keeps it out of the browser's cache."""
    _bridged(system)
    row, token = bridge_tokens.create_token(viewer.uow(), system, label.strip())
    response = _page(
        request, viewer, system, "integrations/extension_token.html", made=row, token=token
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/{system}/extension/tokens/{token_id}/revoke")
def revoke(viewer: AdminPost, system: str, token_id: int) -> Response:
    _bridged(system)
    row = bridge_tokens.revoke_token(viewer.uow(), system, token_id)
    name = f"“{row['label']}”" if row["label"] else f"number {row['id']}"
    return redirect(
        f"/integrations/{system}/extension",
        notice=f"Token {name} revoked: the extension using it can no longer sync",
    )
