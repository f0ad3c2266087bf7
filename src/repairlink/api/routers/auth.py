"""Logging in (email + password -> a bearer token) and asking who you are."""

from __future__ import annotations

from fastapi import APIRouter

from repairlink.api.deps import AnyCaller, AppDep
from repairlink.api.schemas.agency import LoginRequest, MeRead, TokenRead
from repairlink.domain.actors import Actor
from repairlink.services import auth

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", summary="Log in: a bearer token for 12 hours")
def login(app: AppDep, body: LoginRequest) -> TokenRead:
    """H-01: a locked-out occupier cannot log in."""
    token = auth.login(app.uow(Actor.system("login")), email=body.email, password=body.password)
    return TokenRead(token=token)


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
