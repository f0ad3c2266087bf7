"""Engines for SQLite (embedded default) and PostgreSQL, configured for concurrent use."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from repairlink.settings import DATABASE_POOL_OVERFLOW, DATABASE_POOL_SIZE
from repairlink.store.tables import map_domain

# The execution option a connection for reads only is opened with (`reading`, `UnitOfWork.reading`).
READ_ONLY = "repairlink_read_only"


def ensure_sqlite_folder(url: str) -> None:
    """A fresh checkout has no ./var/: make the SQLite file's folder."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


# A PostgreSQL connection idle in the pool longer than this is pinged before use; one used more
# recently is taken as alive (a ping on every checkout cost a round trip per transaction:
# about a sixth of a delivery's CPU, bench/outbound.py).
PING_AFTER_IDLE_S = 5.0


def make_engine(
    url: str,
    *,
    echo: bool = False,
    ping_after_idle_s: float = PING_AFTER_IDLE_S,
    pool_size: int = DATABASE_POOL_SIZE,
    pool_overflow: int = DATABASE_POOL_OVERFLOW,
) -> sa.Engine:
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
        writer = _WRITERS[engine] = WriterQueue()

        def begin(conn: sa.Connection) -> None:
            if conn.get_execution_options().get(READ_ONLY):  # never waits for a writer (WAL)
                conn.exec_driver_sql("BEGIN")
                return
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
    engine = sa.create_engine(
        url,
        echo=echo,
        json_serializer=_json,
        json_deserializer=orjson.loads,
        pool_size=pool_size,  # opened as needed; kept, so no thread pays a new server process
        max_overflow=pool_overflow,
        # the connection used last first: its statements are prepared already (psycopg
        # prepares a statement at its sixth use on a connection), and one a busy moment
        # opened and nobody needs since stays idle, not taken in turn with the rest
        pool_use_lifo=True,
    )
    ping_when_idle(engine, ping_after_idle_s)
    return engine


class WriterQueue:
    """This process's queue for SQLite's one write lock: re-entrant (a nested transaction is
    no worse than before), and it knows whether a writer waits, so that a sync's transaction,
    which goes on while nobody does, gives way to one (`writers_waiting`, `give_way`)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._held = 0  # by `_owner`, how many times over; both changed only holding the lock
        self._owner: int | None = None
        self._waiting = 0
        self._waited = 0  # writers that have stopped waiting (lock taken, or given up), ever
        self._changed = threading.Condition()  # guards both

    def acquire(self, timeout: float) -> bool:
        taken = self._lock.acquire(blocking=False)  # free, or this thread's already
        if not taken:
            with self._changed:
                self._waiting += 1
            try:
                taken = self._lock.acquire(timeout=timeout)
            finally:
                with self._changed:
                    self._waiting -= 1
                    self._waited += 1
                    self._changed.notify_all()
        if taken:
            self._held += 1
            self._owner = threading.get_ident()
        return taken

    def release(self) -> None:
        self._held -= 1
        if not self._held:
            self._owner = None
        self._lock.release()

    def waiting(self) -> bool:
        return self._waiting > 0

    def give_way(self, within_s: float) -> None:
        """Wait, holding nothing, until the writers waiting now have had the lock (a lock
        released is not handed over: the releasing thread could take it again first); those
        that come later queue behind this thread as usual."""
        if self._owner == threading.get_ident():
            return  # this thread holds it still (an outer transaction): they must wait for that
        with self._changed:
            owed = self._waited + self._waiting
            self._changed.wait_for(lambda: self._waited >= owed, timeout=within_s)


_WRITERS: weakref.WeakKeyDictionary[sa.Engine, WriterQueue] = weakref.WeakKeyDictionary()


def writers_waiting(engine: sa.Engine) -> bool:
    """Does a writer of this process wait for SQLite's write lock? (PostgreSQL has no such
    lock: never.)"""
    queue = _WRITERS.get(engine)
    return queue is not None and queue.waiting()


def give_way(engine: sa.Engine, within_s: float) -> None:
    """Let the writers waiting for SQLite's write lock have it before this thread takes it
    again (at most `within_s`)."""
    queue = _WRITERS.get(engine)
    if queue is not None:
        queue.give_way(within_s)


def read_only_options(dialect: sa.Dialect) -> dict[str, Any]:
    """A read's execution options (this connection's only, not the pool's): on SQLite a
    snapshot that neither takes nor waits for the writers' lock; on PostgreSQL a READ ONLY
    transaction (said in its BEGIN), which the server keeps from writing."""
    if dialect.name == "postgresql":
        return {READ_ONLY: True, "postgresql_readonly": True}
    return {READ_ONLY: True}


def reads_end_in_commit(dialect: sa.Dialect) -> bool:
    """Does a read's transaction end in COMMIT? On PostgreSQL, yes: for a READ ONLY transaction
    the server does the same as for a ROLLBACK, but psycopg forgets every statement it has
    prepared at a ROLLBACK, so a connection whose reads ended so planned each statement again
    at every use (the claim: half a millisecond of the server's CPU each time, the issue's
    facts a third; bench/change_cpu.py with pg_stat_statements). SQLite keeps its statements
    either way: its reads end as they always did."""
    return dialect.name == "postgresql"


@contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection for reads only (`read_only_options`): the way out reads an issue's facts
    while others write. A read that raises ends in ROLLBACK."""
    with engine.connect() as conn:
        yield conn.execution_options(**read_only_options(engine.dialect))
        if reads_end_in_commit(engine.dialect):
            conn.commit()


@contextmanager
def driver_cursor(conn: sa.Connection) -> Iterator[Any]:
    """The driver's own cursor on the connection's transaction, closed after: for statements
    run on every page of a sync, where building SQLAlchemy's statement or result rows costs
    as much as the database's answer."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        yield cursor
    finally:
        cursor.close()


def ping_when_idle(engine: sa.Engine, idle_s: float) -> None:
    """Pessimistic disconnect handling, for connections that sat idle: one whose server went
    away (a restart, a failover, an idle timeout) is replaced before anyone uses it."""

    def checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_s:
            return  # just opened, or used a moment ago
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_conn.commit()  # psycopg's rollback() would forget its prepared statements
        except Exception as exc:  # the pool opens a new connection and tries it instead
            raise sa.exc.DisconnectionError(str(exc)) from exc

    sa.event.listen(engine, "checkin", checkin)
    sa.event.listen(engine, "checkout", checkout)


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
