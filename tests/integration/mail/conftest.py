"""Mail tests: a real SMTP server (aiosmtpd) on 127.0.0.1 receives what the hub sends, over
the real ledger, on SQLite and on PostgreSQL. `app` here is built with mail set up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from repairlink.bootstrap import App, build
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Issue, Party, PayingForWork
from repairlink.jobs.channels import Channels
from repairlink.jobs.dispatch import deliver_all_due
from repairlink.mail.catcher import Catcher, Caught, Mailbox
from repairlink.outbound import ledger
from repairlink.services import auth, issues
from repairlink.services.auth import Principal
from repairlink.settings import Settings
from tests.conftest import BACKENDS

CONSOLE = "http://console.example"


def mail_settings(url: str, files: Path, port: int) -> Settings:
    return Settings(
        database_url=url,
        files_dir=files,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        mail_from="repairs@agency.example",
        public_url=CONSOLE,
        runner="none",
    )


@pytest.fixture(scope="session")
def catcher() -> Iterator[Catcher]:
    catcher = Catcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
def mail_apps(
    apps: dict[str, App],  # migrates the databases first
    database_urls: dict[str, str],
    catcher: Catcher,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, App]]:
    built = {
        backend: build(
            mail_settings(url, tmp_path_factory.mktemp(f"mail-files-{backend}"), catcher.port)
        )
        for backend, url in database_urls.items()
    }
    yield built
    for app in built.values():
        app.close()


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, mail_apps: dict[str, App]) -> App:
    return mail_apps[request.param]


@pytest.fixture
def box(catcher: Catcher) -> Iterator[Mailbox]:
    catcher.mailbox.refuse_with = None
    catcher.mailbox.clear()  # the two databases' agencies may share an id
    yield catcher.mailbox
    catcher.mailbox.refuse_with = None


Send = Callable[..., int]


@pytest.fixture
def send_all(app: App) -> Iterator[Send]:
    """Send every delivery that is due (at `now`, when given), as a runner would."""
    channels = Channels(app)

    def send(now: datetime | None = None) -> int:
        clock = (lambda: now) if now is not None else ledger.utcnow
        return deliver_all_due(app, channels, worker="mail-test", clock=clock)

    yield send
    channels.close()


def inbox(box: Mailbox, agency_id: int) -> list[Caught]:
    """The messages this test's agency sent (other tests share the server)."""
    return [c for c in box.messages() if f"<rl-{agency_id}-" in str(c.message["Message-ID"])]


def received(box: Mailbox, agency_id: int) -> list[tuple[str, str]]:
    """(to, subject) of each message the agency sent, in the order they arrived."""
    return [(", ".join(c.recipients), c.subject) for c in inbox(box, agency_id)]


def staff_login(app: App, who: Principal, email: str, role: Role = Role.AGENT) -> Principal:
    user = auth.create_user(
        app.uow(who.actor, who.agency_id),
        email=email,
        name=email.split("@")[0].title(),
        role=role,
        password="correct horse battery",
    )
    return Principal(who.agency_id, role, None, Actor(ActorKind.USER, user.id, email))


def reported_and_instructed(
    app: App, admin: Principal, unit_id: int, reporter_id: int, contractor_id: int, title: str
) -> Issue:
    """An issue the occupier reported at the unit, instructed to the contractor."""
    uow = app.uow(admin.actor, admin.agency_id)
    issue = issues.report(
        uow, admin, title=title, unit_id=unit_id, reporter_occupier_id=reporter_id
    )
    return issues.instruct(
        app.uow(admin.actor, admin.agency_id),
        admin,
        issue.id,
        party=Party.CONTRACTOR,
        party_id=contractor_id,
        paying=PayingForWork.LANDLORD,
    )
