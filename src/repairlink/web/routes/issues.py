"""Issues: the list (search by number, title, address or contractor; filters by status,
priority, contractor and property; oldest or newest first), the detail page with its timeline,
the actions its status allows (C-03), its sync badge (PW-10, fed by web.outbound), documents
to download and comments (C-09). Its forms post to web.routes.issue_actions."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from repairlink.domain.issues import (
    ALLOWED_FROM,
    PRIORITIES,
    Issue,
    PayingForWork,
    QuoteStatus,
    Status,
)
from repairlink.domain.people import Contractor, Landlord
from repairlink.domain.places import Unit
from repairlink.services import issue_costing, issues, people_and_places
from repairlink.services.issue_search import IssueOrder, IssueQuery, find_issues
from repairlink.store.tables import cols
from repairlink.web import outbound, timeline
from repairlink.web.again import NOTHING, Sent, as_sent
from repairlink.web.render import page
from repairlink.web.session import Staff, Viewer

router = APIRouter(prefix="/issues")
PageNumber = Annotated[int, Query(ge=1, le=1_000_000, alias="page")]
ORDERS = {IssueOrder.NEWEST: "Newest first", IssueOrder.OLDEST: "Oldest first"}


def issue_query(
    q: Annotated[str, Query(max_length=200)] = "",
    status: Status | None = None,
    priority: Annotated[str, Query(max_length=20)] = "",
    contractor_id: int | None = None,
    unit_id: int | None = None,
    order: IssueOrder = IssueOrder.NEWEST,
) -> IssueQuery:
    return IssueQuery(
        q=q,
        status=status,
        priority=priority,
        contractor_id=contractor_id,
        unit_id=unit_id,
        order=order,
    )


def _params(query: IssueQuery) -> str:
    values = {
        "q": query.q,
        "status": query.status.value if query.status else "",
        "priority": query.priority,
        "contractor_id": query.contractor_id or "",
        "unit_id": query.unit_id or "",
        "order": query.order.value,
    }
    return urlencode({k: v for k, v in values.items() if v})


@router.get("", response_class=HTMLResponse)
def list_issues(
    request: Request,
    viewer: Staff,
    query: Annotated[IssueQuery, Depends(issue_query)],
    page_number: PageNumber = 1,
) -> HTMLResponse:
    found = find_issues(viewer.uow(), viewer.who, query, page=page_number)
    unit = people_and_places.get(viewer.uow(), Unit, query.unit_id) if query.unit_id else None
    return page(
        request,
        "issues/list.html",
        viewer,
        title="Issues",
        found=found,
        query=query,
        unit=unit,
        addresses=_addresses(viewer, found.items),
        statuses=list(Status),
        priorities=PRIORITIES,
        orders=ORDERS,
        contractors=active(viewer, Contractor),
        params=_params(query),
    )


def _addresses(viewer: Viewer, found: list[Issue]) -> dict[int, str]:
    ids = {i.unit_id for i in found if i.unit_id is not None}
    return people_and_places.names_of(viewer.uow(), Unit, ids) if ids else {}


def allowed(issue: Issue) -> set[str]:
    """The actions the issue's status allows (C-03), named as the forms are."""
    names = {action for action, starts in ALLOWED_FROM.items() if issue.status in starts}
    if issue.status.is_open:
        names |= {"cancel", "forward"}
    return names


def active(viewer: Viewer, cls: type) -> list[Any]:
    return people_and_places.list_page(
        viewer.uow(), cls, cols(cls).archived_at.is_(None), limit=200
    ).items


def _name(viewer: Viewer, cls: type, record_id: int | None) -> str:
    if record_id is None:
        return ""
    return people_and_places.names_of(viewer.uow(), cls, {record_id}).get(record_id, "")


def issue_context(viewer: Viewer, issue_id: int) -> dict[str, Any]:
    """What the agent's, the contractor's and the occupier's issue pages all show."""
    issue = issues.get(viewer.uow(), viewer.who, issue_id)
    unit = people_and_places.get(viewer.uow(), Unit, issue.unit_id) if issue.unit_id else None
    quotes = issues.quotes_of(viewer.uow(), viewer.who, issue_id)
    named = {q.contractor_id for q in quotes}
    if issue.contractor_id is not None:
        named.add(issue.contractor_id)
    return {
        "title": f"{issue.reference}: {issue.title}",
        "issue": issue,
        "unit": unit,
        "quotes": quotes,
        "documents": issues.documents_of(viewer.uow(), viewer.who, issue_id),
        "allowed": allowed(issue),
        "contractor_names": people_and_places.names_of(viewer.uow(), Contractor, named),
        "landlord_name": _name(viewer, Landlord, issue.landlord_id),
        "paying_labels": timeline.PAYING,
        "quote_states": timeline.QUOTE_STATES,
    }


@router.get("/{issue_id}", response_class=HTMLResponse)
def show(request: Request, viewer: Staff, issue_id: int) -> HTMLResponse:
    return detail_page(request, viewer, issue_id)


def detail_page(
    request: Request,
    viewer: Viewer,
    issue_id: int,
    *,
    sent: Sent = NOTHING,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    """The agent's issue page; after a refused form, with its values as sent (web.again)."""
    context = issue_context(viewer, issue_id)
    return page(
        request,
        "issues/detail.html",
        viewer,
        status_code=status,
        **context,
        **as_sent(sent, error),
        contractors=active(viewer, Contractor),
        landlords=active(viewer, Landlord),
        paying=list(PayingForWork),
        submitted=QuoteStatus.SUBMITTED,
        comments=issues.comments_of(viewer.uow(), viewer.who, issue_id),
        reachable=issues.occupier_contacts(viewer.uow(), viewer.who, issue_id),
        sync_status=outbound.issue_sync_status(viewer.uow(), issue_id),
        cost_codes=issue_costing.cost_codes_for(viewer.uow(), viewer.who, issue_id),
        trail=timeline.trail(viewer.uow(), viewer.formats, "issue", issue_id),
    )
