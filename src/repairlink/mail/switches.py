"""An agency's on/off switch for each kind of message (all on until switched off)."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.errors import InvalidError
from repairlink.mail.kinds import KINDS
from repairlink.store.mail_tables import mail_switches
from repairlink.store.uow import UnitOfWork

s = mail_switches.c


def switched_on(conn: sa.Connection, agency_id: int, kind: str) -> bool:
    found = conn.execute(
        sa.select(s.enabled).where(s.agency_id == agency_id, s.kind == kind)
    ).scalar()
    return found is None or bool(found)


def read_switches(uow: UnitOfWork) -> dict[str, bool]:
    """Every kind, in the order of an issue's life -> on or off."""
    with uow.reading():
        rows = uow.session.connection().execute(
            sa.select(s.kind, s.enabled).where(s.agency_id == uow.agency)
        )
        off = {kind for kind, enabled in rows if not enabled}
    return {kind: kind not in off for kind in KINDS}


def set_switches(uow: UnitOfWork, on: dict[str, bool]) -> dict[str, bool]:
    """Switch kinds on or off; kinds not named keep their setting."""
    unknown = sorted(set(on) - set(KINDS))
    if unknown:
        raise InvalidError("mail.unknown_kind", f"No kind of mail {unknown[0]}", field="kind")
    with uow:
        conn = uow.session.connection()
        for kind, enabled in on.items():
            mine = sa.and_(s.agency_id == uow.agency, s.kind == kind)
            conn.execute(sa.delete(mail_switches).where(mine))
            conn.execute(
                sa.insert(mail_switches).values(agency_id=uow.agency, kind=kind, enabled=enabled)
            )
        uow.commit()
    return read_switches(uow)
