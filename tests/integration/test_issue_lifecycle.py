"""C-03: the lifecycle through the real services. An illegal transition is refused with a clear
error and changes nothing: the row reloads the same, no audit entry, no outbox event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.issues import Issue, Party, PayingForWork, Status
from repairlink.errors import ConflictError, InvalidError
from repairlink.services import agencies, issues
from repairlink.services.auth import Principal
from repairlink.store.tables import audit_log, comments, documents, issues_table, outbox, quotes
from tests.factories import (
    completed_issue,
    in_progress_issue,
    instructed_issue,
    make_contractor,
    make_issue,
    make_landlord,
    quotes_requested_issue,
    uow_of,
)

S = Status
OPEN = {
    S.REPORTED,
    S.QUOTES_REQUESTED,
    S.JOB_INSTRUCTED,
    S.AWAITING_COMPLETION,
    S.COMPLETED,
    S.AWAITING_FEEDBACK,
}
# action -> statuses it may start from, written out from SPEC C-03..C-08
ALLOWED = {
    "request_quotes": {S.REPORTED, S.QUOTES_REQUESTED},
    "submit_quote": {S.QUOTES_REQUESTED},
    "instruct": {S.REPORTED, S.QUOTES_REQUESTED},
    "set_appointment": {S.JOB_INSTRUCTED, S.AWAITING_COMPLETION},
    "complete": {S.AWAITING_COMPLETION},
    "leave_feedback": {S.AWAITING_FEEDBACK},
    "close": {S.COMPLETED, S.AWAITING_FEEDBACK},
    "cancel": OPEN,
    "forward_to_pm": OPEN,
}


def issue_in(app: App, who: Principal, status: Status) -> Issue:
    """An issue brought to `status` through the services only."""
    u = lambda: uow_of(app, who)  # noqa: E731
    if status is S.REPORTED:
        return make_issue(app, who)
    if status is S.QUOTES_REQUESTED:
        return quotes_requested_issue(app, who, make_contractor(app, who))
    if status is S.JOB_INSTRUCTED:
        return instructed_issue(app, who)
    if status is S.AWAITING_COMPLETION:
        return in_progress_issue(app, who)
    if status is S.AWAITING_FEEDBACK:
        agencies.update_settings(u(), {"feedback_enabled": True})
        return completed_issue(app, who)
    if status is S.COMPLETED:
        return completed_issue(app, who)
    if status is S.CLOSED:
        return issues.close(u(), who, completed_issue(app, who).id, reason="done")
    if status is S.CANCELLED:
        return issues.cancel(u(), who, make_issue(app, who).id, reason="duplicate")
    return issues.forward_to_pm(u(), who, make_issue(app, who).id, reason="for the PM")


def actions(app: App, who: Principal, issue_id: int) -> dict[str, Callable[[], Any]]:
    u = lambda: uow_of(app, who)  # noqa: E731
    contractor, landlord = make_contractor(app, who), make_landlord(app, who)
    when = datetime.now(UTC) + timedelta(days=3)
    return {
        "request_quotes": lambda: issues.request_quotes(u(), who, issue_id, [contractor.id]),
        "submit_quote": lambda: issues.submit_quote(
            u(), who, issue_id, contractor_id=contractor.id, net=100, vat=20
        ),
        "instruct": lambda: issues.instruct(
            u(),
            who,
            issue_id,
            party=Party.LANDLORD,
            party_id=landlord.id,
            paying=PayingForWork.AGENCY,
        ),
        "set_appointment": lambda: issues.set_appointment(u(), who, issue_id, when),
        "complete": lambda: issues.complete(
            u(), who, issue_id, files=app.files, notes="n", costs=None, invoice=None
        ),
        "leave_feedback": lambda: issues.leave_feedback(u(), who, issue_id, rating=4),
        "close": lambda: issues.close(u(), who, issue_id, reason="done"),
        "cancel": lambda: issues.cancel(u(), who, issue_id, reason="no longer needed"),
        "forward_to_pm": lambda: issues.forward_to_pm(u(), who, issue_id, reason="PM"),
    }


def snapshot(app: App, issue_id: int) -> dict[str, Any]:
    """Everything an issue change could touch, read straight from the database."""
    with app.engine.connect() as conn:
        agency_id = conn.scalar(
            sa.select(issues_table.c.agency_id).where(issues_table.c.id == issue_id)
        )

        def rows(table: sa.Table, where: Any) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(sa.select(table).where(where).order_by("id"))]

        return {
            "issue": rows(issues_table, issues_table.c.id == issue_id),
            "quotes": rows(quotes, quotes.c.issue_id == issue_id),
            "documents": rows(documents, documents.c.issue_id == issue_id),
            "comments": rows(comments, comments.c.issue_id == issue_id),
            "audit": rows(
                audit_log,
                (audit_log.c.entity_kind == "issue") & (audit_log.c.entity_id == issue_id),
            ),
            "agency_audit": rows(audit_log, audit_log.c.agency_id == agency_id),
            "agency_outbox": rows(outbox, outbox.c.agency_id == agency_id),
            "outbox": rows(
                outbox, (outbox.c.aggregate_kind == "issue") & (outbox.c.aggregate_id == issue_id)
            ),
        }


@pytest.mark.parametrize("status", list(Status), ids=[s.value for s in Status])
def test_c_03_illegal_transitions_are_refused_and_change_nothing(
    app: App, admin: Principal, status: Status
) -> None:
    issue = issue_in(app, admin, status)
    assert issue.status is status
    todo = actions(app, admin, issue.id)
    illegal = [name for name, allowed in ALLOWED.items() if status not in allowed]
    assert illegal, "every status forbids something"
    for name in illegal:
        before = snapshot(app, issue.id)
        with pytest.raises(ConflictError) as err:
            todo[name]()
        assert err.value.rule == "C-03", name
        assert err.value.code == "issue.illegal_transition"
        assert err.value.field == "status"
        assert status.label in err.value.message  # a clear error: says what state forbids it
        assert snapshot(app, issue.id) == before, name
    reloaded = issues.get(uow_of(app, admin), admin, issue.id)
    assert reloaded.status is status


def test_c_03_instruction_may_skip_quotes(app: App, admin: Principal) -> None:
    issue = instructed_issue(app, admin)
    assert issue.status is S.JOB_INSTRUCTED
    assert snapshot(app, issue.id)["quotes"] == []


def test_c_03_full_lifecycle_and_each_step_is_announced(app: App, admin: Principal) -> None:
    contractor = make_contractor(app, admin)
    issue = in_progress_issue(app, admin, contractor)
    issue = issues.complete(
        uow_of(app, admin), admin, issue.id, files=app.files, notes="ok", costs=None, invoice=None
    )
    issue = issues.close(uow_of(app, admin), admin, issue.id, reason="done")
    assert issue.status is S.CLOSED
    events = [(row[2], row[5]) for row in snapshot(app, issue.id)["outbox"]]
    types = [event_type for event_type, _ in events]
    assert types == [
        "issue.created",
        "issue.instructed",
        "issue.status_changed",
        "issue.status_changed",
        "issue.closed",
    ]
    statuses = [(p.get("status_from"), p["status"]) for _, p in events]
    assert statuses == [
        (None, "reported"),
        ("reported", "job_instructed"),
        ("job_instructed", "awaiting_completion"),
        ("awaiting_completion", "completed"),
        ("completed", "closed"),
    ]


def test_c_03_cancel_needs_a_reason_and_forward_works_from_any_open_status(
    app: App, admin: Principal
) -> None:
    issue = in_progress_issue(app, admin)
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError, match="why"):
        issues.cancel(uow_of(app, admin), admin, issue.id, reason="  ")
    assert snapshot(app, issue.id) == before
    done = issues.forward_to_pm(uow_of(app, admin), admin, issue.id, reason="for the PM")
    assert done.status is S.FORWARDED_TO_PM
    assert not done.status.is_open
