"""Log in with the agency user's email and password (services.auth.login), log out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.actors import Actor
from repairlink.errors import ThrottledError, UnauthenticatedError
from repairlink.services import auth
from repairlink.web.render import page, redirect
from repairlink.web.session import COOKIE, AnyonePost, LoginRequired, current, get_app, home_of

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only a path of this site: never an open redirect to another."""
    return target if target.startswith("/") and not target.startswith("//") else ""


@router.get("/", include_in_schema=False)
def home(request: Request) -> RedirectResponse:
    try:
        viewer = current(request)
    except LoginRequired:
        return redirect("/login")
    return redirect(home_of(viewer.who.role))


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "") -> HTMLResponse:
    return page(request, "login.html", None, next=_safe_next(next), email="")


@router.post("/login", response_model=None)
def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "",
) -> HTMLResponse | RedirectResponse:
    app = get_app(request)
    try:
        token = auth.login(
            app.uow(Actor.system("web")),
            email=email,
            password=password,
            throttle=app.login_throttle,
            client=request.client.host if request.client else "",
            replaces=request.cookies.get(COOKIE) or None,  # a new session at each login
        )
        who = auth.authenticate(app.uow(Actor.system("web")), token)
    except (UnauthenticatedError, ThrottledError) as exc:
        refused = page(
            request,
            "login.html",
            None,
            status_code=exc.status,
            error=exc.message if isinstance(exc, ThrottledError) else str(exc),
            email=email,
            next=next,
        )
        if isinstance(exc, ThrottledError):
            refused.headers["Retry-After"] = str(exc.retry_after_s)
        return refused
    response = redirect(_safe_next(next) or home_of(who.role))
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(auth.SESSION_TTL.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        # always Secure outside local development (the browser sends it over https only)
        secure=request.url.scheme == "https" or not app.settings.is_development,
    )
    return response


@router.post("/logout")
def logout(viewer: AnyonePost) -> RedirectResponse:
    """The session is revoked, not only forgotten by this browser: its token stops working on
    the console and the API at once."""
    auth.logout(viewer.uow(), viewer.token)
    response = redirect("/login", notice="You are logged out")
    response.delete_cookie(COOKIE, path="/")
    return response
