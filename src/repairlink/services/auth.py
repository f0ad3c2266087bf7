"""Who is calling: API keys and user logins, hashed with argon2 (keys and passwords are never
stored in clear: `services/hashing.py`), turned into a Principal that carries the agency (C-01)
and the role."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import ApiKey, Role, Session, User
from repairlink.domain.people import Occupier
from repairlink.domain.values import normalise_email
from repairlink.errors import ForbiddenError, InvalidError, UnauthenticatedError
from repairlink.services import hashing
from repairlink.services.login_throttle import LoginThrottle
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

KEY_PREFIX = "rl_"
SESSION_TTL = timedelta(hours=12)


@dataclass(frozen=True)
class Principal:
    agency_id: int
    role: Role
    subject_id: int | None  # the contractor's or occupier's record, for those roles
    actor: Actor

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.AGENT)

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise ForbiddenError("auth.forbidden", f"This needs the role {allowed}", field="role")


def _check_subject(uow: UnitOfWork, role: Role, subject_id: int | None) -> None:
    from repairlink.domain.people import Contractor  # local: only needed here

    subject_cls = {Role.CONTRACTOR: Contractor, Role.OCCUPIER: Occupier}.get(role)
    if subject_cls is None:
        return
    if subject_id is None:
        raise InvalidError(
            "auth.subject_required",
            f"A {role.value} login must name its {role.value} record",
            field="subject_id",
        )
    uow.get(subject_cls, subject_id, field="subject_id")


def create_api_key(
    uow: UnitOfWork, *, name: str, role: Role, subject_id: int | None = None
) -> tuple[ApiKey, str]:
    """Returns the key row and the secret. The secret is shown this once and never again."""
    with uow:
        _check_subject(uow, role, subject_id)
        prefix = secrets.token_hex(6)
        secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        key = ApiKey(
            agency_id=uow.agency,
            name=name,
            role=role,
            prefix=prefix,
            key_hash=hashing.hash_secret(secret),
            subject_id=subject_id,
            created_at=uow.now(),
        )
        uow.add(key)
        uow.commit()
    return key, secret


def revoke_api_key(uow: UnitOfWork, key_id: int) -> ApiKey:
    with uow:
        key = uow.get(ApiKey, key_id)
        if key.revoked_at is None:
            key.revoked_at = uow.now()
        uow.commit()
    return key


def list_api_keys(uow: UnitOfWork) -> list[ApiKey]:
    with uow.reading():
        return uow.all(uow.select(ApiKey).order_by(cols(ApiKey).id))


def create_user(
    uow: UnitOfWork,
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    subject_id: int | None = None,
) -> User:
    if len(password) < 10:
        raise InvalidError(
            "user.password_short", "A password has at least 10 characters", field="password"
        )
    with uow:
        _check_subject(uow, role, subject_id)
        address = normalise_email(email)
        taken = uow.session.scalar(sa.select(cols(User).id).where(cols(User).email == address))
        if taken is not None:
            raise email_unusable("use another")
        user = User(
            agency_id=uow.agency,
            email=address,
            name=name,
            role=role,
            password_hash=hashing.hash_secret(password),
            subject_id=subject_id,
            created_at=uow.now(),
        )
        uow.add(user)
        try:
            uow.commit()
        except sa.exc.IntegrityError as exc:  # the same email added at the same moment
            raise email_unusable("use another") from exc
    return user


def email_unusable(what_to_do: str) -> InvalidError:
    """Emails are unique across agencies (the login form asks for nothing else), so an email
    another login has is refused: in the same words whichever agency that login is of, so the
    refusal never tells that an account exists elsewhere (C-01)."""
    return InvalidError(
        "user.email_unusable",
        f"This email cannot be used for a login here: {what_to_do}",
        field="email",
    )


def hash_password(password: str) -> str:
    return hashing.hash_secret(password)


def list_users(uow: UnitOfWork) -> list[User]:
    with uow.reading():
        return uow.all(uow.select(User).order_by(cols(User).id))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unauthenticated() -> UnauthenticatedError:
    return UnauthenticatedError(
        "auth.invalid_credentials", "Unknown or revoked credentials", field="authorization"
    )


def _refuse_locked_occupier(uow: UnitOfWork, user: User | ApiKey) -> None:
    """H-01: a locked (archived) occupier can no longer log in, nor use a session or an API
    key they had."""
    if user.role is Role.OCCUPIER and user.subject_id is not None:
        occupier = uow.session.get(Occupier, user.subject_id)
        if occupier is None or occupier.agency_id != user.agency_id or not occupier.active:
            raise UnauthenticatedError(
                "auth.locked_out", "This occupier is locked out", field="authorization", rule="H-01"
            )


def _check_password(user: User | None, password: str) -> bool:
    """An unknown account costs the same argon2 work as a known one (no enumeration)."""
    matched = hashing.matches(user.password_hash if user is not None else None, password)
    return matched and user is not None and user.active


def login(
    uow: UnitOfWork,
    *,
    email: str,
    password: str,
    throttle: LoginThrottle | None = None,
    client: str = "",
    replaces: str | None = None,
) -> str:
    """Email and password -> a new bearer token for 12 hours. Locked occupiers cannot log in
    (H-01). With `throttle`, a caller who failed too often is refused (429) before any check;
    `replaces` is the caller's previous token, revoked (a session is never reused)."""
    if throttle is not None:
        throttle.check(email, client)
    with uow:
        user = uow.session.scalars(
            sa.select(User).where(cols(User).email == email.strip().lower())
        ).first()
        if not _check_password(user, password):
            if throttle is not None:
                throttle.failed(email, client)
            raise _unauthenticated()
        assert user is not None
        uow.agency_id = user.agency_id
        _refuse_locked_occupier(uow, user)
        if replaces:
            _revoke(uow, replaces)
        token = secrets.token_urlsafe(32)
        uow.add(
            Session(
                agency_id=user.agency_id,
                user_id=user.id,
                token_hash=_hash_token(token),
                expires_at=uow.now() + SESSION_TTL,
            )
        )
        uow.commit()
    if throttle is not None:
        throttle.succeeded(email)
    return token


def _revoke(uow: UnitOfWork, token: str) -> bool:
    found = uow.session.execute(
        sa.delete(Session).where(cols(Session).token_hash == _hash_token(token))
    )
    return bool(getattr(found, "rowcount", 0))


def logout(uow: UnitOfWork, token: str) -> bool:
    """Revoke a login token at once, for the console and the API alike. API keys are revoked
    by their own route; True when a session ended."""
    if token.startswith(KEY_PREFIX):
        return False
    with uow:
        ended = _revoke(uow, token)
        uow.commit()
    return ended


def authenticate(uow: UnitOfWork, token: str) -> Principal:
    """A bearer token (API key or login session) -> the Principal it stands for."""
    with uow.reading():
        if token.startswith(KEY_PREFIX):
            return _from_api_key(uow, token)
        row = uow.session.scalars(
            sa.select(Session).where(cols(Session).token_hash == _hash_token(token))
        ).first()
        if row is None or row.expires_at < uow.now():
            raise _unauthenticated()
        user = uow.session.get(User, row.user_id)
        if user is None or not user.active:
            raise _unauthenticated()
        _refuse_locked_occupier(uow, user)
        return Principal(
            user.agency_id, user.role, user.subject_id, Actor(ActorKind.USER, user.id, user.email)
        )


# argon2 is slow on purpose (~0.1 s). A key already verified in this process is recognised by
# a SHA-256 of the whole secret, so each later request costs microseconds; the row (and its
# revocation) is still read on every request. Only digests of valid secrets are kept.
_verified: dict[str, tuple[int, str]] = {}
_VERIFIED_MAX = 10_000


def _verify_key(key: ApiKey, token: str) -> None:
    digest = _hash_token(token)
    if _verified.get(digest) == (key.id, key.key_hash):
        return
    if not hashing.matches(key.key_hash, token):
        raise _unauthenticated()
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()
    _verified[digest] = (key.id, key.key_hash)


def _from_api_key(uow: UnitOfWork, token: str) -> Principal:
    prefix = token[len(KEY_PREFIX) :].split("_", 1)[0]
    key = uow.session.scalars(sa.select(ApiKey).where(cols(ApiKey).prefix == prefix)).first()
    if key is None or key.revoked_at is not None:
        raise _unauthenticated()
    _verify_key(key, token)
    _refuse_locked_occupier(uow, key)
    return Principal(
        key.agency_id, key.role, key.subject_id, Actor(ActorKind.API_KEY, key.id, key.name)
    )
