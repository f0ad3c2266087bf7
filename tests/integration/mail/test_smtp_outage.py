"""An SMTP outage delays mail and loses none (S-01): the ledger retries with back-off, and on
recovery each message arrives once. Both kinds of outage: a server answering 4xx, and no
server at all."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from repairlink.bootstrap import App, build
from repairlink.jobs.channels import Channels
from repairlink.jobs.dispatch import deliver_all_due
from repairlink.mail import log
from repairlink.mail.catcher import Catcher, Mailbox, free_port
from repairlink.outbound.ledger import utcnow
from repairlink.services import issues
from repairlink.services.auth import Principal
from tests.factories import make_unit, uow_of
from tests.integration.mail.conftest import Send, mail_settings, received, staff_login


def _report(app: App, admin: Principal) -> tuple[str, str]:
    """An issue reported to an agency with one member of staff: (their address, the subject)."""
    office = f"office-{uuid.uuid4().hex[:8]}@agency.example"
    staff_login(app, admin, office)
    issue = issues.report(
        uow_of(app, admin), admin, title="Roof leak", unit_id=make_unit(app, admin).id
    )
    return office, f"New issue IS{issue.number}: Roof leak"


def _status(app: App, admin: Principal) -> tuple[str, str]:
    [row] = log.messages(uow_of(app, admin)).items
    return row["status"], row["reason"]


def test_a_server_answering_4xx_delays_the_mail_which_arrives_once_when_it_recovers(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    box.refuse_with = "451 4.3.0 Mailbox busy, try again later"
    office, subject = _report(app, admin)
    send_all()
    assert received(box, admin.agency_id) == []
    status, reason = _status(app, admin)
    assert status == "Failed, will retry"
    assert "451" in reason
    box.refuse_with = None
    assert send_all() == 0  # the retry waits its turn (back-off), it does not hammer
    send_all(now=utcnow() + timedelta(seconds=10))
    assert received(box, admin.agency_id) == [(office, subject)]
    send_all(now=utcnow() + timedelta(hours=30))
    assert received(box, admin.agency_id) == [(office, subject)]
    assert _status(app, admin) == ("Sent", "")


@pytest.fixture
def down_app(app: App, tmp_path: Path) -> Iterator[App]:
    """The same database, its mail pointed at a port where no server listens (yet)."""
    built = build(mail_settings(app.settings.database_url, tmp_path, free_port()))
    yield built
    built.close()


def test_no_mail_server_at_all_delays_the_mail_which_arrives_once_when_one_answers(
    down_app: App, admin: Principal
) -> None:
    channels = Channels(down_app)
    send = lambda now: deliver_all_due(down_app, channels, worker="t", clock=lambda: now)  # noqa: E731
    office, subject = _report(down_app, admin)
    send(utcnow())
    status, reason = _status(down_app, admin)
    assert status == "Failed, will retry"
    assert "did not answer" in reason
    with Catcher(down_app.settings.smtp_port) as box:
        send(utcnow() + timedelta(seconds=10))
        send(utcnow() + timedelta(hours=30))
        assert received(box, admin.agency_id) == [(office, subject)]
    channels.close()
    assert _status(down_app, admin) == ("Sent", "")
