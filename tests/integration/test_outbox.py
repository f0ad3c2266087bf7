"""Principle 4 / S-01 groundwork: a change and its outbox event are written in the same database
transaction. Other connections see both or neither; a failing transaction writes neither."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from repairlink.bootstrap import App
from repairlink.domain.issues import Issue, Status
from repairlink.errors import NotFoundError
from repairlink.services import issues
from repairlink.services.auth import Principal
from repairlink.store.tables import issues_table, outbox
from tests.factories import make_agency, make_contractor, make_issue, uow_of
from tests.integration.test_issue_lifecycle import snapshot


@pytest.fixture
def reader(app: App) -> Iterator[sa.Engine]:
    """A second, plain connection pool on the same database: another client's view."""
    engine = sa.create_engine(app.settings.database_url)
    yield engine
    engine.dispose()


def seen_by(engine: sa.Engine, issue_id: int) -> tuple[str, list[str]]:
    with engine.connect() as conn:
        status = conn.scalar(sa.select(issues_table.c.status).where(issues_table.c.id == issue_id))
        events = conn.scalars(
            sa.select(outbox.c.event_type)
            .where(outbox.c.aggregate_kind == "issue", outbox.c.aggregate_id == issue_id)
            .order_by(outbox.c.id)
        ).all()
    return status, list(events)


def test_s_01_a_lifecycle_change_and_its_event_commit_together(
    app: App, admin: Principal, reader: sa.Engine
) -> None:
    issue = make_issue(app, admin)
    seen_at_commit: list[Any] = []

    def before_commit(session: Session) -> None:
        session.flush()  # everything the service wrote is now in this open transaction
        conn = session.connection()
        inside = (
            conn.scalar(sa.select(issues_table.c.status).where(issues_table.c.id == issue.id)),
            conn.scalars(
                sa.select(outbox.c.event_type)
                .where(outbox.c.aggregate_kind == "issue", outbox.c.aggregate_id == issue.id)
                .order_by(outbox.c.id)  # as `seen_by`: without it PostgreSQL may answer any order
            ).all(),
        )
        seen_at_commit.append((inside, seen_by(reader, issue.id)))

    sa.event.listen(app.sessions, "before_commit", before_commit)
    try:
        issues.cancel(uow_of(app, admin), admin, issue.id, reason="reported twice")
    finally:
        sa.event.remove(app.sessions, "before_commit", before_commit)

    ((inside, outside),) = seen_at_commit
    # in the service's transaction, just before it commits: the change and its event, together
    assert inside == ("cancelled", ["issue.created", "issue.status_changed"])
    # another client sees neither yet
    assert outside == ("reported", ["issue.created"])
    # after the commit, both
    assert seen_by(reader, issue.id) == ("cancelled", ["issue.created", "issue.status_changed"])


def test_s_01_a_failing_transaction_writes_neither_the_change_nor_its_event(
    app: App, admin: Principal, reader: sa.Engine
) -> None:
    issue = make_issue(app, admin)

    def cancel_then_fail() -> None:
        with uow_of(app, admin) as u:
            loaded = u.get(Issue, issue.id)
            loaded.cancel("will not stick")
            u.emit("issue.status_changed", loaded, status_from="reported", status="cancelled")
            u.flush()
            assert seen_by(reader, issue.id) == ("reported", ["issue.created"])
            raise RuntimeError("boom")  # a failure after the event is in the transaction

    with pytest.raises(RuntimeError, match="boom"):
        cancel_then_fail()
    assert seen_by(reader, issue.id) == ("reported", ["issue.created"])
    assert issues.get(uow_of(app, admin), admin, issue.id).status is Status.REPORTED


def test_s_01_a_service_failing_midway_writes_neither(app: App, admin: Principal) -> None:
    """request_quotes has moved the status and added a first quote when the second contractor
    turns out to be another agency's: the whole use case rolls back."""
    issue = make_issue(app, admin)
    mine = make_contractor(app, admin)
    theirs = make_contractor(app, make_agency(app))
    before = snapshot(app, issue.id)
    with pytest.raises(NotFoundError):
        issues.request_quotes(uow_of(app, admin), admin, issue.id, [mine.id, theirs.id])
    assert snapshot(app, issue.id) == before


def test_s_01_a_unit_of_work_never_committed_writes_nothing(
    app: App, admin: Principal, reader: sa.Engine
) -> None:
    issue = make_issue(app, admin)
    with uow_of(app, admin) as u:
        loaded = u.get(Issue, issue.id)
        loaded.forward_to_pm("forgot to commit")
        u.emit("issue.status_changed", loaded, status="forwarded_to_pm")
        u.flush()
    assert seen_by(reader, issue.id) == ("reported", ["issue.created"])
