"""A PostgreSQL connection that went away while idle in the pool (a restart, a failover, an
idle timeout) is replaced before use, so the next request works instead of failing; and the
connections a busy moment opened are kept for the next one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import build
from repairlink.settings import Settings
from repairlink.store.db import make_engine


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, pid: int) -> None:
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()


@pytest.mark.postgres
def test_a_connection_killed_while_idle_is_replaced(database_urls: dict[str, str]) -> None:
    url = database_urls["postgresql"]
    engine = make_engine(url, ping_after_idle_s=0)  # every checkout counts as idle
    try:
        first = _backend_pid(engine)
        _terminate(url, first)
        assert _backend_pid(engine) != first  # a new connection, and no error
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_connection_used_a_moment_ago_is_not_pinged(database_urls: dict[str, str]) -> None:
    """The other side of the trade: without the idle ping a dead connection is only found by
    the statement that uses it (which is why idle ones are checked)."""
    url = database_urls["postgresql"]
    engine = make_engine(url, ping_after_idle_s=3600)
    try:
        _terminate(url, _backend_pid(engine))
        with pytest.raises(sa.exc.OperationalError):
            _backend_pid(engine)
        assert _backend_pid(engine) > 0  # the pool then drops it and carries on
    finally:
        engine.dispose()


def _pids_of_threads_at_once(engine: sa.Engine, threads: int) -> set[int]:
    """Each of `threads` threads holds a connection at the same moment and notes its server
    process, as the API's threads or a worker's jobs do under load."""
    together = threading.Barrier(threads)

    def hold() -> int:
        with engine.connect() as conn:
            pid = int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
            together.wait(timeout=30)  # every thread holds its connection now
            return pid

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return set(pool.map(lambda _: hold(), range(threads)))


@pytest.mark.postgres
def test_a_busy_moments_connections_are_kept_for_the_next(database_urls: dict[str, str]) -> None:
    """Twelve threads at once (more than SQLAlchemy's default pool of five), twice: the second
    time they are served by the same server processes. Closing each connection past five after
    its use cost a new PostgreSQL process for most changes at 300 a second (bench/outbound.py:
    166 connections opened in 30 s)."""
    settings = Settings(database_url=database_urls["postgresql"], runner="none")
    app = build(settings, check_migrated=False)
    try:
        first = _pids_of_threads_at_once(app.engine, 12)
        second = _pids_of_threads_at_once(app.engine, 12)
        assert len(first) == 12
        assert second == first
    finally:
        app.close()
