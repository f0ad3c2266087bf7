"""Request dependencies: the App, the caller (bearer token -> Principal), role gates, paging.

`Authorization: Bearer <token>` takes an API key (`rl_...`) or a login token. Routes declare
who may call them with one of the `...Caller` aliases and get a `Caller`, whose `uow()` is a
unit of work acting as that caller inside its agency (C-01, C-13).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.errors import InvalidError, UnauthenticatedError
from repairlink.services import auth
from repairlink.services.auth import Principal
from repairlink.services.pagination import MAX_LIMIT, decode_cursor
from repairlink.store.uow import UnitOfWork

MAX_ID = 2_147_483_647
STAFF = (Role.ADMIN, Role.AGENT)

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="The record's id")]


# Dependencies that neither wait nor block are `async def`: FastAPI runs a plain `def` one in
# its thread pool, a hand-over to a thread and back for each (measured: a bridge poll refused at
# its token took 2.8-3.1 ms with these in threads, against 1.7-2.3 ms without; see
# docs/performance.md).
async def get_app(request: Request) -> App:
    return cast(App, request.app.state.app)


AppDep = Annotated[App, Depends(get_app)]
bearer = HTTPBearer(auto_error=False, description="An API key (rl_...) or a login token")


def principal(
    app: AppDep,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise UnauthenticatedError(
            "auth.missing", "Send Authorization: Bearer <token>", field="authorization"
        )
    who = auth.authenticate(app.uow(Actor.system("api")), credentials.credentials)
    request.state.agency_id = who.agency_id  # on the request's log line (observe/http.py)
    return who


@dataclass(frozen=True)
class Caller:
    app: App
    who: Principal

    def uow(self) -> UnitOfWork:
        return self.app.uow(self.who.actor, self.who.agency_id)


def _caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    async def dependency(app: AppDep, who: Annotated[Principal, Depends(principal)]) -> Caller:
        if roles:
            who.require(*roles)
        return Caller(app, who)

    return dependency


AnyCaller = Annotated[Caller, Depends(_caller())]
StaffCaller = Annotated[Caller, Depends(_caller(*STAFF))]
AdminCaller = Annotated[Caller, Depends(_caller(Role.ADMIN))]
StaffOrContractor = Annotated[Caller, Depends(_caller(*STAFF, Role.CONTRACTOR))]


@dataclass(frozen=True)
class PageParams:
    cursor: str | None
    limit: int


async def page_params(
    cursor: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = 50,
) -> PageParams:
    if cursor and not 0 <= decode_cursor(cursor) <= MAX_ID:
        raise InvalidError(
            "page.bad_cursor", "The cursor is not one this API gave out", field="cursor"
        )
    return PageParams(cursor or None, limit)


Paging = Annotated[PageParams, Depends(page_params)]
