"""Principle 6: the embedded runner sends an event as soon as its change commits, and connector
schedules (AL-01: Alto daily at 02:00 London time) fire once per due time, however many runners
look at the same moment."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.jobs import schedules
from repairlink.jobs.embedded import EmbeddedRunner
from repairlink.jobs.sync_run import connect
from repairlink.services.auth import Principal
from repairlink.simulators.alto.state import DEFAULT_AGENCY_REF
from repairlink.store.sync_tables import connections
from repairlink.webhooks import subscriptions
from tests.factories import make_issue, uow_of
from tests.integration.outbound.receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def test_s_01_the_embedded_runner_sends_as_soon_as_the_change_commits(
    loopback_app: App, admin: Principal, receiver: Receiver
) -> None:
    subscriptions.subscribe(
        uow_of(loopback_app, admin),
        url=receiver.url,
        event_types=["issue.created"],
        description="",
        allow_private=True,
    )
    runner = EmbeddedRunner(loopback_app, poll_s=60).start()  # only a commit can wake it
    try:
        issue = make_issue(loopback_app, admin)
        deadline = time.monotonic() + 20
        while not receiver.requests:
            assert time.monotonic() < deadline, "the runner did not send the event"
            time.sleep(0.01)
    finally:
        runner.stop()
    (got,) = receiver.requests
    assert got.json["data"]["issue_id"] == issue.id


def _connected_at(app: App, agency_id: int, when: datetime) -> None:
    settings = {
        "base_url": "http://127.0.0.1:9",
        "client_id": "x",
        "client_secret": "y",
        "agency_ref": DEFAULT_AGENCY_REF,
    }
    connect(app, agency_id, "alto", settings)
    c = connections.c
    with app.engine.begin() as conn:
        conn.execute(sa.update(connections).where(c.agency_id == agency_id).values(created_at=when))


def _mine(found: list[schedules.Due], agency_id: int) -> list[schedules.Due]:
    return [due for due in found if due.agency_id == agency_id]


def test_al_01_the_daily_schedule_fires_once_per_day_however_many_runners_look(
    app: App, agency_id: int
) -> None:
    _connected_at(app, agency_id, datetime(2026, 11, 1, tzinfo=UTC))
    morning = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    (due,) = _mine(schedules.claim_due(app, morning), agency_id)
    assert due.system == "alto"
    assert due.schedule.rule == "AL-01"
    assert due.fire_at == datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 02:00 London = UTC in Nov
    assert _mine(schedules.claim_due(app, morning), agency_id) == []  # a second runner
    assert _mine(schedules.claim_due(app, morning + timedelta(hours=12)), agency_id) == []
    (next_day,) = _mine(schedules.claim_due(app, morning + timedelta(days=1)), agency_id)
    assert next_day.fire_at == datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def test_al_01_summer_time_moves_the_run_with_london_and_nothing_fires_before_connecting(
    app: App, agency_id: int
) -> None:
    _connected_at(app, agency_id, datetime(2026, 7, 10, 12, 0, tzinfo=UTC))
    assert (
        _mine(schedules.claim_due(app, datetime(2026, 7, 10, 13, 0, tzinfo=UTC)), agency_id) == []
    )
    (due,) = _mine(schedules.claim_due(app, datetime(2026, 7, 11, 6, 0, tzinfo=UTC)), agency_id)
    assert due.fire_at == datetime(2026, 7, 11, 1, 0, tzinfo=UTC)  # 02:00 BST
