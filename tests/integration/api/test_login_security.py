"""Logins under attack (docs/security.md): failed logins throttled per account and per client
address (429 with Retry-After), unknown and known accounts answered after the same work,
sessions revoked at logout on the API and the console, and a new session at each login."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import limits.storage.memory
import pytest

from repairlink.bootstrap import App, build
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.errors import InvalidError
from repairlink.server import create_server
from repairlink.services import auth, hashing
from repairlink.services import login_throttle as throttle_module
from repairlink.services.login_throttle import LoginThrottle
from repairlink.settings import Settings
from repairlink.web.session import COOKIE
from tests.integration.api.conftest import Client, TestClient

PASSWORD = "correct horse battery"
# Throttling and timing do not depend on the database: one backend is enough (argon2 is slow)
ONE_BACKEND = pytest.mark.parametrize("app", ["sqlite"], indirect=True)


class Clock:
    """The throttle's clock, moved on by the test instead of waiting."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, app: App) -> Clock:
    clock = Clock()
    fake = SimpleNamespace(time=clock.time, monotonic=time.monotonic)
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(throttle_module, "time", fake)
    monkeypatch.setattr(app, "login_throttle", LoginThrottle("10/minute", "30/minute"))
    return clock


@pytest.fixture
def standard_hashing() -> Iterator[None]:
    """argon2's standard profile, every deployment's (the suite hashes with the cheapest)."""
    before = hashing.in_use()
    hashing.use("standard", development=True)
    yield
    hashing.use(before, development=True)


def _user(app: App, agency_id: int, role: Role = Role.ADMIN) -> str:
    email = f"user-{uuid.uuid4().hex[:10]}@example.com"
    auth.create_user(
        app.uow(Actor.system(), agency_id), email=email, name="Staff", role=role, password=PASSWORD
    )
    return email


@ONE_BACKEND
def test_the_eleventh_wrong_password_in_a_minute_is_429_and_the_right_one_works_later(
    app: App, http: TestClient, agency_id: int, clock: Clock
) -> None:
    email = _user(app, agency_id)
    anonymous = Client(http, None)
    wrong = {"email": email, "password": "not the password"}
    for _ in range(10):
        assert anonymous.post("/auth/login", json=wrong).status_code == 401
    refused = anonymous.post("/auth/login", json=wrong)
    assert refused.status_code == 429
    assert refused.json()["code"] == "auth.throttled"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    right = {"email": email, "password": PASSWORD}
    assert anonymous.post("/auth/login", json=right).status_code == 429  # not even the right one

    clock.now += 61
    assert anonymous.post("/auth/login", json=right).status_code == 200


@ONE_BACKEND
def test_one_client_guessing_many_accounts_is_throttled_by_its_address(
    app: App, http: TestClient, agency_id: int, clock: Clock
) -> None:
    app.login_throttle = LoginThrottle("10/minute", "5/minute")
    anonymous = Client(http, None)
    for n in range(5):
        guess = {"email": f"nobody{n}-{uuid.uuid4().hex[:6]}@example.com", "password": "guess"}
        assert anonymous.post("/auth/login", json=guess).status_code == 401
    email = _user(app, agency_id)
    refused = anonymous.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


@ONE_BACKEND
def test_unknown_and_known_accounts_take_the_same_time(
    app: App,
    http: TestClient,
    agency_id: int,
    monkeypatch: pytest.MonkeyPatch,
    standard_hashing: None,
) -> None:
    """Before: an unknown e-mail answered in 38 ms, a known one in 298 ms (enumeration)."""
    monkeypatch.setattr(app, "login_throttle", LoginThrottle("1000/minute", "1000/minute"))
    known = _user(app, agency_id)
    anonymous = Client(http, None)
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for _ in range(5):
        for kind, email in (("known", known), ("unknown", f"x{uuid.uuid4().hex}@example.com")):
            started = time.perf_counter()
            answer = anonymous.post("/auth/login", json={"email": email, "password": "wrong"})
            times[kind].append(time.perf_counter() - started)
            assert answer.status_code == 401
            assert answer.json()["code"] == "auth.invalid_credentials"
    # the fastest of each: another process's load only ever adds time to a sample
    known_s, unknown_s = min(times["known"]), min(times["unknown"])
    assert 0.5 < unknown_s / known_s < 2.0, times


def test_logout_revokes_the_token_on_the_api_and_the_console(
    app: App, http: TestClient, agency_id: int
) -> None:
    email = _user(app, agency_id)
    token = Client(http, None).ok(
        "POST", "/auth/login", json={"email": email, "password": PASSWORD}
    )["token"]
    with TestClient(create_server(app), follow_redirects=False) as console:
        console.cookies.set(COOKIE, token)
        assert console.get("/dashboard").status_code == 200
        assert Client(http, token).ok("GET", "/auth/me")["actor_label"] == email

        assert Client(http, token).post("/auth/logout").status_code == 204
        assert Client(http, token).get("/auth/me").status_code == 401
        assert console.get("/dashboard").headers["location"].startswith("/login")


def test_console_logout_revokes_and_login_rotates_the_session(app: App, agency_id: int) -> None:
    email = _user(app, agency_id)
    with TestClient(create_server(app), follow_redirects=False) as console:
        first = _console_login(console, email)
        second = _console_login(console, email)  # logging in again: a new session
        assert second != first
        assert Client(console, first).get("/auth/me").status_code == 401
        assert Client(console, second).get("/auth/me").status_code == 200

        page = console.get("/dashboard")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert console.post("/logout", data={"csrf_token": csrf}).status_code == 303
        assert Client(console, second).get("/auth/me").status_code == 401


def _console_login(console: TestClient, email: str) -> str:
    answer = console.post("/login", data={"email": email, "password": PASSWORD})
    assert answer.status_code == 303, answer.text
    token = answer.cookies[COOKIE]
    console.cookies.set(COOKIE, token)
    return token


def test_the_session_cookie_is_secure_outside_development(app: App, agency_id: int) -> None:
    email = _user(app, agency_id)
    production = App(
        app.settings.model_copy(update={"environment": "production"}),
        app.engine,
        app.sessions,
        app.files,
    )
    with TestClient(create_server(production), follow_redirects=False) as console:
        answer = console.post("/login", data={"email": email, "password": PASSWORD})
    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()
    with TestClient(create_server(app), follow_redirects=False) as console:
        local = console.post("/login", data={"email": email, "password": PASSWORD})
    assert "secure" not in local.headers["set-cookie"].lower()  # plain http on 127.0.0.1


@ONE_BACKEND
def test_passwords_are_hashed_with_the_standard_profile_and_still_log_in_after_a_change(
    app: App, http: TestClient, agency_id: int, standard_hashing: None
) -> None:
    email = _user(app, agency_id)
    (user,) = [u for u in auth.list_users(app.uow(Actor.system(), agency_id)) if u.email == email]
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106, low memory
    # a hash carries its parameters: another profile chosen later locks no one out
    hashing.use("cheapest", development=True)
    token = Client(http, None).ok(
        "POST", "/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert Client(http, token["token"]).ok("GET", "/auth/me")["actor_label"] == email
    wrong = Client(http, None).post("/auth/login", json={"email": email, "password": "wrong one"})
    assert wrong.status_code == 401


def test_production_refuses_the_test_suites_hashing_naming_the_setting(tmp_path: Path) -> None:
    settings = Settings(
        environment="production",
        password_hashing="cheapest",
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        files_dir=tmp_path,
    )
    with pytest.raises(InvalidError, match="for test suites") as refused:
        build(settings, check_migrated=False)
    assert refused.value.field == "REPAIRLINK_PASSWORD_HASHING"
