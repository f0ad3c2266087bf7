"""A sync's WAL checkpoints (inbound/checkpoints): its connection leaves them to the run's own
thread while it writes and is given back as it was; what it committed is copied into the
database file; on PostgreSQL nothing of this happens."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.inbound.checkpoints import WRITER_AFTER, Checkpointer
from repairlink.store.db import make_engine


def _autocheckpoint(conn: sa.Connection) -> int:
    driver = conn.connection.driver_connection
    assert driver is not None
    value: int = driver.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    return value


def test_the_runs_thread_copies_the_log_and_the_connection_is_given_back(tmp_path: Path) -> None:
    db = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with db.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x TEXT)")
    with Checkpointer(db) as checkpoints:
        with db.connect() as conn:
            before = _autocheckpoint(conn)
            with checkpoints.writing(conn):
                assert _autocheckpoint(conn) == WRITER_AFTER
                with conn.begin():
                    conn.exec_driver_sql("INSERT INTO t VALUES (?)", [("x" * 500,)] * 2000)
            assert _autocheckpoint(conn) == before
        checkpoints.committed()
    # the rows are in the database file, not only in its log (the pool keeps its connections
    # open: no last connection's close has copied them)
    assert (tmp_path / "wal.db").stat().st_size > 2000 * 500
    db.dispose()


def test_a_thread_on_sqlite_only_and_none_for_a_dry_run(app: App) -> None:
    sqlite = app.engine.dialect.name == "sqlite"
    for enabled in (True, False):
        with Checkpointer(app.engine, enabled=enabled) as checkpoints:
            assert checkpoints.running == (sqlite and enabled)
            with app.engine.begin() as conn, checkpoints.writing(conn):
                conn.execute(sa.text("SELECT 1"))
            checkpoints.committed()
        assert not checkpoints.running


def test_a_checkpoint_thread_that_cannot_open_its_connection_holds_up_no_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its connection failing to open (too many files open, say) once left every fourth of the
    sync's commits waiting for it for ever: the writer's own checkpoints stand in."""
    db = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    dbapi = db.dialect.loaded_dbapi
    opens = dbapi.connect

    def refused_in_the_checkpoint_thread(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "wal-checkpoints":
            raise OSError(24, "Too many open files")
        return opens(*args, **kwargs)

    monkeypatch.setattr(dbapi, "connect", refused_in_the_checkpoint_thread)
    committed = []

    def sync_like() -> None:
        with Checkpointer(db) as checkpoints:
            for n in range(10):
                with db.connect() as conn, checkpoints.writing(conn), conn.begin():
                    conn.exec_driver_sql("SELECT 1")
                checkpoints.committed()
                committed.append(n)

    writer = threading.Thread(target=sync_like, daemon=True)
    writer.start()
    writer.join(60)
    assert committed == list(range(10))
    db.dispose()
