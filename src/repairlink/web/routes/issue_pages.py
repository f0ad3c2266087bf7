"""The issue's page as its viewer sees it (the agent's, the contractor's job, the occupier's
issue), drawn again when one of its forms is refused: with the values as sent and the reason
(web.again), instead of a redirect that loses what was typed."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.agency import Role
from repairlink.web.again import FORM_REFUSALS, Sent, reason
from repairlink.web.render import redirect
from repairlink.web.routes.issues import detail_page
from repairlink.web.routes.portal import job_page, my_issue_page
from repairlink.web.session import Viewer

PAGES = {Role.CONTRACTOR: "/jobs/{}", Role.OCCUPIER: "/my/issues/{}"}


def done(viewer: Viewer, issue_id: int, notice: str) -> RedirectResponse:
    where = PAGES.get(viewer.who.role, "/issues/{}").format(issue_id)
    return redirect(where, notice=notice)


def again(
    request: Request, viewer: Viewer, issue_id: int, sent: Sent, error: str, status: int
) -> HTMLResponse:
    drawn = {Role.CONTRACTOR: job_page, Role.OCCUPIER: my_issue_page}.get(
        viewer.who.role, detail_page
    )
    return drawn(request, viewer, issue_id, sent=sent, error=error, status=status)


def act(
    request: Request,
    viewer: Viewer,
    issue_id: int,
    sent: Sent,
    action: Callable[[], str],
    *,
    had_files: bool = False,
) -> HTMLResponse | RedirectResponse:
    """Run the form's `action` (it answers the notice); refused, the page comes back as sent."""
    try:
        notice = action()
    except FORM_REFUSALS as exc:
        error = reason(exc, had_files=had_files, formats=viewer.formats)
        return again(request, viewer, issue_id, sent, error, exc.status)
    return done(viewer, issue_id, notice)
