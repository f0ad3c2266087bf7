"""On PostgreSQL a read's transaction is READ ONLY and ends in COMMIT, so the statements psycopg
has prepared on its connection are kept: a ROLLBACK made psycopg forget them all, and a
connection that also served reads (a sender's facts, a console page) planned every statement
again at each use (the claim: half a millisecond of the server's CPU each time)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App, build
from repairlink.domain.actors import Actor
from repairlink.observe.health import not_ready
from repairlink.settings import Settings
from repairlink.store.db import make_engine, reading
from repairlink.store.precompiled import Precompiled
from repairlink.store.tables import agencies

pytestmark = pytest.mark.postgres

_FIND = sa.select(agencies.c.name).where(agencies.c.slug == sa.bindparam("slug"))


@pytest.fixture
def one_connection_app(apps: dict[str, App]) -> Iterator[App]:
    """The hub on the migrated PostgreSQL database, its pool one connection (so each use below
    meets the same one)."""
    url = apps["postgresql"].engine.url.render_as_string(hide_password=False)
    settings = Settings(
        database_url=url, runner="none", database_pool_size=1, database_pool_overflow=0
    )
    app = build(settings, check_migrated=False)
    try:
        yield app
    finally:
        app.close()


def _read_often(engine: sa.Engine) -> None:
    for _ in range(7):  # psycopg prepares a statement at its sixth use on a connection
        with reading(engine) as conn:
            conn.execute(_FIND, {"slug": "nobody"}).all()


def _find_is_prepared(engine: sa.Engine) -> bool:
    with reading(engine) as conn:
        prepared = conn.execute(sa.text("SELECT statement FROM pg_prepared_statements"))
        return any("WHERE agencies.slug" in statement for statement in prepared.scalars())


def test_reads_keep_what_psycopg_prepared(one_connection_app: App) -> None:
    _read_often(one_connection_app.engine)
    assert _find_is_prepared(one_connection_app.engine)


def test_reads_on_the_drivers_cursor_keep_them_too(one_connection_app: App) -> None:
    """A delivery's facts are read so (store/precompiled.py): its transaction is SQLAlchemy's
    too, so that the read ends in COMMIT, not in the pool's ROLLBACK."""
    engine, find = one_connection_app.engine, Precompiled(_FIND)
    for _ in range(7):
        with reading(engine) as conn:
            find.rows(conn, {"slug": "nobody"})
    assert _find_is_prepared(engine)


def test_a_unit_of_work_that_only_reads_keeps_them_too(one_connection_app: App) -> None:
    for _ in range(7):
        with one_connection_app.uow(Actor.system("test")).reading() as uow:
            uow.session.execute(_FIND, {"slug": "nobody"}).all()
    assert _find_is_prepared(one_connection_app.engine)


def test_a_write_in_a_read_is_refused_and_nothing_is_written(one_connection_app: App) -> None:
    engine = one_connection_app.engine
    with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
        with reading(engine) as conn:
            conn.execute(sa.insert(agencies).values(name="Sneaky", slug="sneaky-read"))
    with reading(engine) as conn:
        assert conn.execute(_FIND, {"slug": "sneaky-read"}).first() is None


def test_a_connection_pinged_after_sitting_idle_keeps_them(apps: dict[str, App]) -> None:
    """The pool's check of a connection that sat idle (SELECT 1) ends in COMMIT too."""
    url = apps["postgresql"].engine.url.render_as_string(hide_password=False)
    engine = make_engine(url, ping_after_idle_s=0, pool_size=1, pool_overflow=0)  # every use
    try:
        _read_often(engine)
        assert _find_is_prepared(engine)
    finally:
        engine.dispose()


def test_the_readiness_check_leaves_them(one_connection_app: App) -> None:
    """A load balancer asks `/readyz` every few seconds, of the connection used last."""
    _read_often(one_connection_app.engine)
    assert not_ready(one_connection_app.engine, one_connection_app.files) == {}
    assert _find_is_prepared(one_connection_app.engine)
