"""Issues: the list by status, the detail page with its timeline, the actions its status
allows (C-03), its sync badge (PW-10, fed by web.outbound) and comments (C-09)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from repairlink.domain.issues import ALLOWED_FROM, Issue, PayingForWork, QuoteStatus, Status
from repairlink.domain.people import Contractor, Landlord
from repairlink.domain.places import Unit
from repairlink.services import history, issues, people_and_places
from repairlink.store.tables import cols
from repairlink.web import outbound, timeline
from repairlink.web.render import page, redirect
from repairlink.web.session import Staff, StaffPost, Viewer

router = APIRouter(prefix="/issues")


@router.get("", response_class=HTMLResponse)
def list_issues(
    request: Request,
    viewer: Staff,
    status: Status | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    found = issues.list_issues(viewer.uow(), viewer.who, status=status, cursor=cursor or None)
    return page(
        request,
        "issues/list.html",
        viewer,
        title="Issues",
        issues=found.items,
        next_cursor=found.next_cursor,
        status=status.value if status else "",
        statuses=list(Status),
        params=urlencode({"status": status.value}) if status else "",
    )


def allowed(issue: Issue) -> set[str]:
    """The actions the issue's status allows (C-03), named as the forms are."""
    names = {action for action, starts in ALLOWED_FROM.items() if issue.status in starts}
    if issue.status.is_open:
        names |= {"cancel", "forward"}
    return names


def _active(viewer: Viewer, cls: type) -> list[object]:
    return people_and_places.list_page(
        viewer.uow(), cls, cols(cls).archived_at.is_(None), limit=200
    ).items


def issue_context(viewer: Viewer, issue_id: int) -> dict[str, Any]:
    """What the agent's and the contractor's issue pages both show."""
    issue = issues.get(viewer.uow(), viewer.who, issue_id)
    unit = people_and_places.get(viewer.uow(), Unit, issue.unit_id) if issue.unit_id else None
    return {
        "title": f"{issue.reference}: {issue.title}",
        "issue": issue,
        "unit": unit,
        "quotes": issues.quotes_of(viewer.uow(), viewer.who, issue_id),
        "documents": issues.documents_of(viewer.uow(), viewer.who, issue_id),
        "allowed": allowed(issue),
    }


@router.get("/{issue_id}", response_class=HTMLResponse)
def show(request: Request, viewer: Staff, issue_id: int) -> HTMLResponse:
    context = issue_context(viewer, issue_id)
    contractors = _active(viewer, Contractor)
    return page(
        request,
        "issues/detail.html",
        viewer,
        **context,
        contractors=contractors,
        contractor_names={c.id: c.display_name for c in contractors},  # type: ignore[attr-defined]
        landlords=_active(viewer, Landlord),
        paying=list(PayingForWork),
        submitted=QuoteStatus.SUBMITTED,
        comments=issues.comments_of(viewer.uow(), viewer.who, issue_id),
        reachable=issues.occupier_contacts(viewer.uow(), viewer.who, issue_id),
        sync_status=outbound.issue_sync_status(viewer.uow(), issue_id),
        trail=timeline.entries(history.history(viewer.uow(), "issue", issue_id)),
    )


@router.post("/{issue_id}/comments")
def comment(
    viewer: StaffPost,
    issue_id: int,
    body: Annotated[str, Form(max_length=5000)],
    to_all_occupiers: Annotated[str, Form(max_length=10)] = "",
) -> RedirectResponse:
    made = issues.add_comment(
        viewer.uow(), viewer.who, issue_id, body=body, to_all_occupiers=to_all_occupiers == "yes"
    )
    reached = (
        f" and sent to {len(made.recipient_ids)} active occupier(s) (C-09)"
        if made.to_all_occupiers
        else ""
    )
    return redirect(f"/issues/{issue_id}", notice=f"Comment added{reached}")
