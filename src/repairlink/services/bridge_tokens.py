"""Bridge tokens (docs/bridge.md): what a bridge client (the agency's browser extension, a
script) authenticates with. Each is scoped to one connection, shown once, kept as a SHA-256
of the whole token (it is random and long, so a slow hash would add nothing but latency on
every pushed page) and revocable. A token used on another connection, another agency's
included, finds nothing: 404, as for a connection that does not exist (C-01)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from repairlink.errors import NotFoundError, UnauthenticatedError
from repairlink.services.connections import get_connection
from repairlink.services.pagination import Page, decode_cursor, encode_cursor
from repairlink.store.bridge_tables import bridge_tokens
from repairlink.store.sync_tables import connections
from repairlink.store.uow import UnitOfWork

PREFIX = "rlb_"
Row = dict[str, Any]


@dataclass(frozen=True)
class BridgeClient:
    """Who is calling the bridge: a token's agency and connection."""

    agency_id: int
    connection_id: int
    token_id: int

    @property
    def worker(self) -> str:
        return f"bridge-token-{self.token_id}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _public(row: Any) -> Row:
    return {k: v for k, v in dict(row).items() if k != "secret_hash"}


def create_token(uow: UnitOfWork, system: str, label: str = "") -> tuple[Row, str]:
    """A new token for the agency's connection to `system`: (its row, the token, shown once)."""
    connection_id = int(get_connection(uow, system)["id"])
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = f"{PREFIX}{prefix}_{secret}"
    t = bridge_tokens.c
    with uow:
        conn = uow.session.connection()
        token_id = conn.execute(
            sa.insert(bridge_tokens)
            .values(
                agency_id=uow.agency,
                connection_id=connection_id,
                prefix=prefix,
                secret_hash=_digest(token),
                label=label,
                created_at=uow.now(),
            )
            .returning(t.id)
        ).scalar_one()
        row = conn.execute(sa.select(bridge_tokens).where(t.id == token_id)).mappings().one()
        uow.commit()
    return _public(row), token


def list_tokens(
    uow: UnitOfWork, system: str, *, cursor: str | None = None, limit: int = 50
) -> Page[Row]:
    connection_id = int(get_connection(uow, system)["id"])
    t = bridge_tokens.c
    query = (
        sa.select(bridge_tokens)
        .where(t.agency_id == uow.agency, t.connection_id == connection_id)
        .order_by(t.id)
        .limit(limit + 1)
    )
    if cursor:
        query = query.where(t.id > decode_cursor(cursor))
    with uow.reading():
        rows = [_public(r) for r in uow.session.connection().execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1]["id"]) if more else None)


def revoke_token(uow: UnitOfWork, system: str, token_id: int) -> Row:
    connection_id = int(get_connection(uow, system)["id"])
    t = bridge_tokens.c
    mine = sa.and_(t.id == token_id, t.agency_id == uow.agency, t.connection_id == connection_id)
    with uow:
        conn = uow.session.connection()
        conn.execute(
            sa.update(bridge_tokens)
            .where(mine, t.revoked_at.is_(None))
            .values(revoked_at=uow.now())
        )
        row = conn.execute(sa.select(bridge_tokens).where(mine)).mappings().first()
        if row is None:
            raise NotFoundError(
                "bridge_token.not_found", f"No bridge token {token_id}", field="token_id"
            )
        uow.commit()
    return _public(row)


def authenticate(conn: sa.Connection, token: str, connection_id: int) -> BridgeClient:
    """The client a token stands for, on the connection the request names. A bad or revoked
    token is 401; a good token of another connection (or agency) is 404 (C-01)."""
    refused = UnauthenticatedError(
        "bridge.bad_token", "Send Authorization: Bearer <bridge token>", field="authorization"
    )
    if not token.startswith(PREFIX):
        raise refused
    prefix = token[len(PREFIX) :].split("_", 1)[0]
    t = bridge_tokens.c
    row = conn.execute(sa.select(bridge_tokens).where(t.prefix == prefix)).mappings().first()
    if row is None or row["revoked_at"] is not None:
        raise refused
    if not hmac.compare_digest(row["secret_hash"], _digest(token)):
        raise refused
    if row["connection_id"] != connection_id:
        raise NotFoundError(
            "connection.not_found", f"No connection {connection_id}", field="connection_id"
        )
    return BridgeClient(int(row["agency_id"]), connection_id, int(row["id"]))


def connection_of(conn: sa.Connection, client: BridgeClient) -> Row:
    """The connection a client's token is for; 404 once it is gone."""
    c = connections.c
    mine = sa.and_(c.id == client.connection_id, c.agency_id == client.agency_id)
    row = conn.execute(sa.select(connections).where(mine)).mappings().first()
    if row is None:
        raise NotFoundError("connection.not_found", "No such connection", field="connection_id")
    return dict(row)
