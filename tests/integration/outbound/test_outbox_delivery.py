"""S-01: events are written with their change, delivered at least once and in order per issue,
backed off for more than 72 hours, then dead-lettered, and can be replayed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.errors import RepairlinkError
from repairlink.jobs.channels import Channels
from repairlink.outbound.ledger import BACKOFF_S
from repairlink.outbound.views import list_deliveries, replay_dead
from repairlink.services import issues
from repairlink.services.auth import Principal
from repairlink.store.outbound_tables import deliveries
from repairlink.store.tables import outbox
from repairlink.webhooks import subscriptions
from tests.factories import make_issue, uow_of
from tests.integration.outbound.conftest import Clock, send_due
from tests.integration.outbound.receiver import Receiver, running_receiver


@pytest.fixture
def receiver(loopback_app: App, admin: Principal) -> Iterator[Receiver]:
    with running_receiver() as running:
        subscriptions.subscribe(
            uow_of(loopback_app, admin),
            url=running.url,
            event_types=["*"],
            description="",
            allow_private=True,
        )
        yield running


def _counts(app: App, agency_id: int) -> tuple[int, int]:
    with app.engine.connect() as conn:
        events = conn.execute(
            sa.select(sa.func.count()).where(outbox.c.agency_id == agency_id)
        ).scalar_one()
        queued = conn.execute(
            sa.select(sa.func.count()).where(deliveries.c.agency_id == agency_id)
        ).scalar_one()
    return events, queued


def test_s_01_an_event_and_its_deliveries_commit_with_the_change_or_not_at_all(
    loopback_app: App, admin: Principal, receiver: Receiver
) -> None:
    issue = make_issue(loopback_app, admin)
    assert _counts(loopback_app, admin.agency_id) == (1, 1)
    with pytest.raises(RepairlinkError):  # closing a reported issue is refused: no event
        issues.close(uow_of(loopback_app, admin), admin, issue.id)
    assert _counts(loopback_app, admin.agency_id) == (1, 1)


def _next_due(app: App, agency_id: int) -> tuple[str, object, int]:
    d = deliveries.c
    with app.engine.connect() as conn:
        row = conn.execute(
            sa.select(d.state, d.next_attempt_at, d.attempts).where(d.agency_id == agency_id)
        ).one()
    return row.state, row.next_attempt_at, row.attempts


def test_s_01_failures_back_off_for_more_than_72_hours_then_dead_letter_and_replay(
    loopback_app: App, admin: Principal, channels: Channels, receiver: Receiver
) -> None:
    receiver.status = 500
    make_issue(loopback_app, admin)
    clock = Clock()
    first_attempt = clock.now
    waits = []
    while True:
        send_due(loopback_app, channels, clock)
        state, due, attempts = _next_due(loopback_app, admin.agency_id)
        if state == "dead":
            break
        waits.append(due - clock.now)  # type: ignore[operator]
        assert send_due(loopback_app, channels, clock) == 0  # not due before its time
        clock.now = due  # type: ignore[assignment]
    assert attempts == len(BACKOFF_S) + 1 == 10
    assert clock.now - first_attempt >= timedelta(hours=72)
    assert all(later >= earlier for earlier, later in zip(waits, waits[1:], strict=False))
    (dead,) = list_deliveries(uow_of(loopback_app, admin), state="dead").items
    assert dead["last_error"] == "The endpoint answered 500"

    receiver.status = 200
    assert replay_dead(uow_of(loopback_app, admin)) == 1
    send_due(loopback_app, channels, clock)
    assert [r.json["type"] for r in receiver.requests] == ["issue.created"]


def test_s_01_order_holds_per_issue_while_another_issue_flows(
    loopback_app: App, admin: Principal, channels: Channels, receiver: Receiver
) -> None:
    stuck = make_issue(loopback_app, admin, title="Stuck")
    flowing = make_issue(loopback_app, admin, title="Flowing")
    receiver.fail_when = lambda body: body["data"].get("issue_id") == stuck.id
    for n in range(3):
        for issue in (stuck, flowing):
            issues.add_comment(uow_of(loopback_app, admin), admin, issue.id, body=f"note {n}")
    clock = Clock()
    send_due(loopback_app, channels, clock)
    got = [(r.json["data"]["issue_id"], r.json["type"]) for r in receiver.unique()]
    assert got == [(flowing.id, "issue.created")] + [(flowing.id, "issue.commented")] * 3

    receiver.fail_when = None
    clock.now += timedelta(minutes=1)
    send_due(loopback_app, channels, clock)
    stuck_ids = [
        int(r.headers["webhook-id"].removeprefix("evt_"))
        for r in receiver.unique()
        if r.json["data"]["issue_id"] == stuck.id
    ]
    assert len(stuck_ids) == 4
    assert stuck_ids == sorted(stuck_ids)  # created, then the comments, in the order written
