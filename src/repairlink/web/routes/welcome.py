"""The page an invitation's link opens (C-12): the occupier chooses their own password, then
logs in. No login needed; the link is good once, for a week."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.actors import Actor
from repairlink.errors import InvalidError
from repairlink.services import password_links
from repairlink.web.render import page, redirect
from repairlink.web.session import get_app

router = APIRouter(prefix="/welcome")


@router.get("/{token}", response_class=HTMLResponse)
def welcome(request: Request, token: str) -> HTMLResponse:
    app = get_app(request)
    occupier = password_links.find_link(app.uow(Actor.system("web")), token)
    return page(request, "welcome.html", None, title="Welcome", occupier=occupier, token=token)


@router.post("/{token}", response_model=None)
def choose(
    request: Request,
    token: str,
    password: Annotated[str, Form(max_length=200)],
) -> HTMLResponse | RedirectResponse:
    app = get_app(request)
    try:
        email = password_links.choose_password(app.uow(Actor.system("web")), token, password)
    except InvalidError as exc:
        occupier = password_links.find_link(app.uow(Actor.system("web")), token)
        return page(
            request,
            "welcome.html",
            None,
            status_code=422,
            title="Welcome",
            occupier=occupier,
            token=token,
            error=str(exc.message),
        )
    return redirect("/login?next=/my/issues", notice=f"Your password is set: log in as {email}")
