"""Engines for SQLite (embedded default) and PostgreSQL, configured for concurrent use."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from repairlink.store.tables import map_domain


def ensure_sqlite_folder(url: str) -> None:
    """A fresh checkout has no ./var/: make the SQLite file's folder."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, *, echo: bool = False) -> sa.Engine:
    map_domain()
    ensure_sqlite_folder(url)
    if sa.make_url(url).get_backend_name() == "sqlite":
        engine = sa.create_engine(
            url,
            echo=echo,
            connect_args={"timeout": 30},
            json_serializer=_json,
            json_deserializer=orjson.loads,
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        writer = threading.RLock()  # re-entrant: a nested transaction is no worse than before

        def begin(conn: sa.Connection) -> None:
            # Take SQLite's write lock at BEGIN, so two writers queue instead of failing
            # mid-transaction; and queue them in this process on a lock handed over at once,
            # as SQLite's own busy handler sleeps and polls (measured: seconds of delay with
            # four senders and a busy API, bench/outbound.py). Other processes still queue on
            # SQLite's lock (busy_timeout).
            conn.info["writer"] = writer.acquire(timeout=30)  # then SQLite's busy_timeout
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        def end(conn: sa.Connection, finish: str) -> None:
            # SQLAlchemy tells of a commit (or rollback) before it makes it: finish it here,
            # then hand the lock on. Handed on first, the next writer would meet SQLite still
            # committing (and checkpointing its log) and sleep in SQLite's busy handler.
            if not conn.info.get("writer"):
                return
            try:
                getattr(conn.connection.dbapi_connection, finish)()  # SQLAlchemy's own: a no-op
            finally:
                conn.info.pop("writer")
                writer.release()

        sa.event.listen(engine, "begin", begin)
        sa.event.listen(engine, "commit", lambda conn: end(conn, "commit"))
        sa.event.listen(engine, "rollback", lambda conn: end(conn, "rollback"))
        return engine
    return sa.create_engine(
        url, echo=echo, pool_pre_ping=True, json_serializer=_json, json_deserializer=orjson.loads
    )


def _json(value: object) -> str:
    """JSON columns (audit changes, reports) through orjson: several times faster."""
    return orjson.dumps(value, default=str).decode()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Autocommit at the driver level, so that BEGIN below is ours to issue.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A sync's transactions touch thousands of pages of a few large indexes: a 32 MB page
    # cache (an upper bound, grown as used) keeps them between statements.
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()


def make_session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
