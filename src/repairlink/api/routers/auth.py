"""Logging in (email + password -> a bearer token) and asking who you are."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from repairlink.api.deps import AnyCaller, AppDep, bearer
from repairlink.api.schemas.agency import LoginRequest, MeRead, TokenRead
from repairlink.domain.actors import Actor
from repairlink.services import auth

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", summary="Log in: a bearer token for 12 hours")
def login(app: AppDep, body: LoginRequest, request: Request) -> TokenRead:
    """H-01: a locked-out occupier cannot log in. Too many failed logins for the address or
    from the client answer 429 with Retry-After."""
    token = auth.login(
        app.uow(Actor.system("login")),
        email=body.email,
        password=body.password,
        throttle=app.login_throttle,
        client=request.client.host if request.client else "",
    )
    return TokenRead(token=token)


@router.post("/logout", status_code=204, summary="Log out: the login token stops working")
def logout(
    caller: AnyCaller,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Response:
    """The token is revoked at once, on the API and the console alike (an API key is revoked
    with POST /api-keys/{id}/revoke instead)."""
    if credentials is not None:
        auth.logout(caller.app.uow(caller.who.actor), credentials.credentials)
    return Response(status_code=204)


@router.get("/me", summary="Who the bearer token stands for")
def me(caller: AnyCaller) -> MeRead:
    who = caller.who
    return MeRead(
        agency_id=who.agency_id,
        role=who.role,
        subject_id=who.subject_id,
        actor_kind=who.actor.kind.value,
        actor_label=who.actor.label,
    )
