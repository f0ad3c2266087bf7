"""An agency's connections to its PMSs: saved settings (already validated by the connector's
typed config), one per PMS, with the bookmarks its runs move on."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from repairlink.errors import NotFoundError
from repairlink.store.sync_tables import connections
from repairlink.store.uow import UnitOfWork

Row = dict[str, Any]


def find_connection_id(uow: UnitOfWork, system: str) -> int | None:
    """The id of the agency's connection to `system` (inside `with uow`), or None."""
    c = connections.c
    found: int | None = (
        uow.session.connection()
        .execute(sa.select(c.id).where(c.agency_id == uow.agency, c.system == system))
        .scalar()
    )
    return found


def save_connection(uow: UnitOfWork, system: str, config: Row) -> int:
    """Connect the agency to a PMS, or change the connection's settings (already validated)."""
    c = connections.c
    with uow:
        conn = uow.session.connection()
        found = find_connection_id(uow, system)
        if found is None:
            found = conn.execute(
                sa.insert(connections)
                .values(
                    agency_id=uow.agency,
                    system=system,
                    config=config,
                    enabled=True,
                    bookmarks={},
                    created_at=uow.now(),
                )
                .returning(c.id)
            ).scalar_one()
        else:
            conn.execute(sa.update(connections).where(c.id == found).values(config=config))
        uow.commit()
    return int(found)


def get_connection(uow: UnitOfWork, system: str) -> Row:
    c = connections.c
    with uow.reading():
        row = (
            uow.session.connection()
            .execute(sa.select(connections).where(c.agency_id == uow.agency, c.system == system))
            .mappings()
            .first()
        )
    if row is None:
        raise NotFoundError(
            "connection.not_found", f"This agency is not connected to {system}", field="connector"
        )
    return dict(row)


def list_connections(uow: UnitOfWork) -> list[Row]:
    with uow.reading():
        rows = (
            uow.session.connection()
            .execute(
                sa.select(connections)
                .where(connections.c.agency_id == uow.agency)
                .order_by(connections.c.id)
            )
            .mappings()
        )
        return [dict(r) for r in rows]
