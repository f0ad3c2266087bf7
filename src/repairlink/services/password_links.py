"""The set-your-own-password link an invitation carries (C-12): made when the invitation is
sent, good once, for a week. Following it, the occupier chooses a password and gets a login
(or a new password for the login they had). Only the link's SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from repairlink.domain.agency import Role, User
from repairlink.domain.people import Occupier
from repairlink.errors import InvalidError, NotFoundError
from repairlink.services import auth
from repairlink.store.mail_tables import password_links
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

VALID_FOR = timedelta(days=7)
link = password_links.c


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_link(uow: UnitOfWork, occupier_id: int) -> tuple[str, datetime]:
    """Inside the caller's `with uow` (it commits): a new token and when it stops working."""
    token = secrets.token_urlsafe(32)
    expires = uow.now() + VALID_FOR
    uow.session.connection().execute(
        sa.insert(password_links).values(
            agency_id=uow.agency,
            occupier_id=occupier_id,
            token_hash=_hash(token),
            created_at=uow.now(),
            expires_at=expires,
        )
    )
    return token, expires


def _unknown() -> NotFoundError:
    return NotFoundError(
        "welcome.unknown_link",
        "This link has expired or was used already: ask the agency for a new invitation",
        field="token",
    )


def find_link(uow: UnitOfWork, token: str) -> Occupier:
    """The occupier a still-valid link is for. `uow` is not scoped to an agency."""
    with uow.reading():
        row = (
            uow.session.connection()
            .execute(sa.select(password_links).where(link.token_hash == _hash(token)))
            .mappings()
            .first()
        )
        if row is None or row["used_at"] is not None or row["expires_at"] < uow.now():
            raise _unknown()
        occupier = uow.session.get(Occupier, row["occupier_id"])
        if occupier is None or not occupier.active or not occupier.email:
            raise _unknown()
        uow.session.expunge(occupier)
        return occupier


def choose_password(uow: UnitOfWork, token: str, password: str) -> str:
    """Use the link: the occupier's login gets this password. Answers the login's email."""
    occupier = find_link(uow, token)
    if len(password) < 10:
        raise InvalidError(
            "user.password_short", "A password has at least 10 characters", field="password"
        )
    uow.agency_id = occupier.agency_id
    with uow:
        user = cols(User)
        login = uow.first(
            uow.select(User, user.role == Role.OCCUPIER, user.subject_id == occupier.id)
        )
        email = login.email if login else str(occupier.email).lower()
        if login is None and uow.session.scalar(sa.select(user.id).where(user.email == email)):
            # another login's (this agency's or another's): logging in with it is not theirs here
            raise auth.email_unusable("ask the agency to record another email for you")
        if login is None:
            uow.add(
                User(
                    agency_id=uow.agency,
                    email=email,
                    name=occupier.display_name,
                    role=Role.OCCUPIER,
                    password_hash=auth.hash_password(password),
                    subject_id=occupier.id,
                    created_at=uow.now(),
                )
            )
        else:
            login.password_hash = auth.hash_password(password)
        uow.session.connection().execute(
            sa.update(password_links)
            .where(link.token_hash == _hash(token))
            .values(used_at=uow.now())
        )
        uow.commit()
    return email
