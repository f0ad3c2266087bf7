"""Shared fixtures: a real SQLite file and a real PostgreSQL database per xdist worker, both
built by running the Alembic migrations, and an agency per test so tests never collide."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import hypothesis
import pytest
import sqlalchemy as sa

# Tests run as local development (docs/security.md): every Settings() below, and every
# `repairlink` process a test starts, reads these.
os.environ.setdefault("REPAIRLINK_ENVIRONMENT", "development")
os.environ.setdefault("REPAIRLINK_SECRET_KEYS", "lxqzzhy-1gYqURPDOYtUjbavUxf02ox_6u0SkCd7-as=")
# argon2's test profile: most tests make a login or a key and check it, 0.14 s each with the
# standard one (services/hashing.py); the tests of the hashing itself choose it back
os.environ.setdefault("REPAIRLINK_PASSWORD_HASHING", "cheapest")

from repairlink.bootstrap import App, build
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.services import agencies, auth
from repairlink.services.auth import Principal
from repairlink.settings import Settings
from repairlink.store.migrate import upgrade

# A shared 2-core machine stalls now and then: no example fails for taking long (Hypothesis's
# 200 ms deadline and its too-slow check would make such a stall a red run).
hypothesis.settings.register_profile(
    "repairlink", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("repairlink")

PG_SERVER = os.environ.get("REPAIRLINK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
BACKENDS = ["sqlite", "postgresql"]
_slugs = itertools.count()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _run_id() -> str:
    """Unique per pytest run (shared by its xdist workers), so two runs never collide."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:10]


def _pg_admin(sql: str) -> None:
    admin = sa.create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(sql))
    admin.dispose()


@contextmanager
def new_pg_database() -> Iterator[str]:
    """An empty PostgreSQL database of its own (a migration run from the start), dropped after."""
    name = f"repairlink_migration_{uuid.uuid4().hex[:10]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    sqlite_file = tmp_path_factory.mktemp("db") / "repairlink.db"
    name = f"repairlink_test_{_run_id()}_{_worker()}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    yield {"sqlite": f"sqlite:///{sqlite_file}", "postgresql": f"{PG_SERVER}/{name}"}
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def apps(
    database_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, App]]:
    built = {}
    for backend, url in database_urls.items():
        upgrade(url)
        files = tmp_path_factory.mktemp(f"files-{backend}")
        built[backend] = build(Settings(database_url=url, files_dir=files))
    yield built
    for app in built.values():
        app.close()


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, apps: dict[str, App]) -> App:
    """Every test that takes `app` runs twice: on SQLite and on PostgreSQL."""
    return apps[request.param]


@pytest.fixture
def agency_id(app: App) -> int:
    slug = f"a-{_worker()}-{next(_slugs)}-{uuid.uuid4().hex[:6]}"
    agency = agencies.create_agency(app.uow(Actor.system()), name=f"Agency {slug}", slug=slug)
    return agency.id


@pytest.fixture
def admin(agency_id: int) -> Principal:
    return Principal(agency_id, Role.ADMIN, None, Actor(ActorKind.USER, 1, "admin@test"))


@pytest.fixture
def uow(app: App, admin: Principal):  # type: ignore[no-untyped-def]
    """A factory of units of work acting as the agency's admin."""
    return lambda who=admin: app.uow(who.actor, who.agency_id)


def api_key(
    app: App, agency_id: int, role: Role = Role.ADMIN, subject_id: int | None = None
) -> str:
    _, secret = auth.create_api_key(
        app.uow(Actor.system(), agency_id), name=f"{role} key", role=role, subject_id=subject_id
    )
    return secret


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    return tmp_path / "files"
