"""Who is looking at the page: a login cookie holding the login service's token, and a CSRF
token derived from it for every form post.

The cookie is HttpOnly (scripts cannot read the token) and SameSite=Lax (other sites' forms do
not carry it). The CSRF token is a hash of the session token: per session, unguessable without
the cookie, and needs no server-side store.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, cast

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Agency, Role
from repairlink.domain.formats import Formats
from repairlink.errors import ForbiddenError, UnauthenticatedError
from repairlink.services import agencies, auth
from repairlink.services.auth import Principal
from repairlink.store.uow import UnitOfWork

COOKIE = "rl_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
STAFF = (Role.ADMIN, Role.AGENT)


class LoginRequired(Exception):
    """No valid session: the page answers with the login form."""


def get_app(request: Request) -> App:
    return cast(App, request.app.state.app)


def csrf_for(token: str) -> str:
    return hashlib.sha256(f"repairlink-csrf:{token}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Viewer:
    app: App
    who: Principal
    token: str

    @property
    def csrf(self) -> str:
        return csrf_for(self.token)

    @property
    def email(self) -> str:
        return self.who.actor.label

    @property
    def is_staff(self) -> bool:
        return self.who.is_staff

    @property
    def is_admin(self) -> bool:
        return self.who.role is Role.ADMIN

    @cached_property
    def agency(self) -> Agency:
        return agencies.get_agency(self.uow())

    @cached_property
    def formats(self) -> Formats:
        """Money and dates as the agency writes them (its locale and time zone)."""
        return Formats(self.agency.locale, self.agency.time_zone)

    def uow(self) -> UnitOfWork:
        return self.app.uow(self.who.actor, self.who.agency_id)


def current(request: Request) -> Viewer:
    token = request.cookies.get(COOKIE, "")
    if not token:
        raise LoginRequired
    app = get_app(request)
    try:
        who = auth.authenticate(app.uow(Actor.system("web")), token)
    except UnauthenticatedError:
        raise LoginRequired from None
    return Viewer(app, who, token)


async def _check_csrf(request: Request, viewer: Viewer) -> None:
    sent = request.headers.get(CSRF_HEADER) or ""
    if not sent:
        form = await request.form()  # Starlette caches it: the route's Form fields still work
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not hmac.compare_digest(sent, viewer.csrf):
        raise ForbiddenError(
            "web.csrf", "The form was stale or not sent from this site: try again", field=CSRF_FIELD
        )


def _gate(*roles: Role, post: bool) -> Callable[[Request], Awaitable[Viewer]]:
    async def dependency(request: Request) -> Viewer:
        # the database in a worker thread: on the event loop, a wait for it stops every request
        viewer = await run_in_threadpool(current, request)
        if roles and viewer.who.role not in roles:
            raise ForbiddenError(
                "auth.forbidden", f"This page is for {_people(roles)}", field="role"
            )
        if post:
            await _check_csrf(request, viewer)
        return viewer

    return dependency


Staff = Annotated[Viewer, Depends(_gate(*STAFF, post=False))]
StaffPost = Annotated[Viewer, Depends(_gate(*STAFF, post=True))]
Occupier = Annotated[Viewer, Depends(_gate(Role.OCCUPIER, post=False))]
OccupierPost = Annotated[Viewer, Depends(_gate(Role.OCCUPIER, post=True))]
Contractor = Annotated[Viewer, Depends(_gate(Role.CONTRACTOR, post=False))]
ContractorPost = Annotated[Viewer, Depends(_gate(Role.CONTRACTOR, post=True))]
StaffOrContractorPost = Annotated[Viewer, Depends(_gate(*STAFF, Role.CONTRACTOR, post=True))]
Admin = Annotated[Viewer, Depends(_gate(Role.ADMIN, post=False))]
AdminPost = Annotated[Viewer, Depends(_gate(Role.ADMIN, post=True))]
Anyone = Annotated[Viewer, Depends(_gate(post=False))]
AnyonePost = Annotated[Viewer, Depends(_gate(post=True))]


ROLE_NAMES = {
    Role.ADMIN: "administrators",
    Role.AGENT: "agents",
    Role.CONTRACTOR: "contractors",
    Role.OCCUPIER: "occupiers",
}


def _people(roles: tuple[Role, ...]) -> str:
    names = [ROLE_NAMES[r] for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def home_of(role: Role) -> str:
    return {Role.OCCUPIER: "/my/issues", Role.CONTRACTOR: "/jobs"}.get(role, "/dashboard")
