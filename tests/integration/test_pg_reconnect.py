"""A PostgreSQL connection that went away while idle in the pool (a restart, a failover, an
idle timeout) is replaced before use, so the next request works instead of failing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

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
