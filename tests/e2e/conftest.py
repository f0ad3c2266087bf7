"""The console in a real browser: Debian's Chromium driven by Playwright against a real uvicorn
server on 127.0.0.1, backed by a real SQLite file, with the embedded runner delivering outbox
events (to the PMS and to webhooks) as `repairlink serve` does. One server and one browser
per test module (xdist runs modules on different workers: each has its own port and database
file); one agency per test, so tests never see each other's records."""

from __future__ import annotations

import itertools
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from repairlink.bootstrap import App, build
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.jobs.embedded import EmbeddedRunner
from repairlink.server import create_server, listening
from repairlink.services import agencies, auth
from repairlink.services.auth import Principal
from repairlink.settings import Settings
from repairlink.store.migrate import upgrade
from repairlink.store.uow import UnitOfWork

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery"
_numbers = itertools.count()


@dataclass
class Site:
    app: App
    base_url: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("site")
    url = f"sqlite:///{folder}/repairlink.db"
    upgrade(url)
    # Webhooks may go to 127.0.0.1: the tests' receivers listen there.
    settings = Settings(database_url=url, files_dir=folder / "files", webhooks_allow_private=True)
    with serving(settings) as served:
        yield served


@contextmanager
def serving(settings: Settings) -> Iterator[Site]:
    """The console and API on a free port of 127.0.0.1, the embedded runner sending."""
    app = build(settings)
    # delivers outbox events as `repairlink serve` does; no schedules: a test's sync runs are
    # those it starts (one starting on the hour would add a row to the lists it checks)
    runner = EmbeddedRunner(app, schedules=False).start()
    # Bound and listening before the server thread starts: the browser's first request waits
    # in the backlog instead of the test polling for readiness.
    sock = listening("127.0.0.1", 0, backlog=64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_server(app), log_level="warning", access_log=False, timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"console-{port}", daemon=True
    )
    thread.start()
    yield Site(app, f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(10)
    sock.close()
    runner.stop()
    app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_page(browser: Browser, site: Site) -> Page:
    context = browser.new_context(base_url=site.base_url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(browser: Browser, site: Site) -> Iterator[Page]:
    opened = new_page(browser, site)
    yield opened
    opened.context.close()


@dataclass
class Agency:
    id: int
    email: str
    who: Principal
    app: App

    def uow(self) -> UnitOfWork:
        return self.app.uow(self.who.actor, self.id)

    def user(self, role: Role, subject_id: int | None = None) -> str:
        """Another login of this agency; returns its email (the password is PASSWORD)."""
        email = f"{role.value}-{next(_numbers)}-{uuid.uuid4().hex[:6]}@example.com"
        auth.create_user(
            self.app.uow(Actor.system("test"), self.id),
            email=email,
            name=role.value.title(),
            role=role,
            password=PASSWORD,
            subject_id=subject_id,
        )
        return email


def new_agency(site: Site) -> Agency:
    """A fresh agency with an admin login."""
    slug = f"e2e-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"
    made = agencies.create_agency(
        site.app.uow(Actor.system("test")), name=f"Agency {slug}", slug=slug
    )
    email = f"admin-{slug}@example.com"
    user = auth.create_user(
        site.app.uow(Actor.system("test"), made.id),
        email=email,
        name="Admin",
        role=Role.ADMIN,
        password=PASSWORD,
    )
    who = Principal(made.id, Role.ADMIN, None, Actor(ActorKind.USER, user.id, email))
    return Agency(made.id, email, who, site.app)


@pytest.fixture
def agency(site: Site) -> Agency:
    """A fresh agency with an admin login."""
    return new_agency(site)


def login(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in with the keyboard alone: type, Tab, type, Enter."""
    page.goto("/login")
    page.get_by_label("Email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
