"""SQLite's WAL checkpoints off the sync's writing thread.

A connection that commits checkpoints the log itself once it holds 1,000 pages (SQLite's
default): it copies them into the database file and syncs both files, inside its commit. A
sync commits a few thousand pages every `REPAIRLINK_SYNC_COMMIT_EVERY_S`, so nearly every
commit of its paid for a checkpoint, some 12% of the writing thread at 100k units (py-spy).
While the sync writes, its connection leaves them to a thread of its own with another
connection, woken after each commit: SQLite copies and syncs there without the interpreter
lock, while the writer goes on with the next page. Only when that thread falls far behind
(`WRITER_AFTER` pages) does the writer checkpoint again. Durability is SQLite's either way:
a commit is in the log before it returns, whoever copies it later (S-03).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import sqlalchemy as sa
import structlog

WRITER_AFTER = 16_000  # pages (64 MB of log): the writer's own checkpoint, as a backstop
# SQLite starts its log again from the top only in a transaction that began with the log all
# copied; a writer that never waits for the copy grows the log for the whole run (885 MB
# for 115 MB of data, measured). So every RESTART_EVERY-th transaction waits for it first.
RESTART_EVERY = 4

log = structlog.get_logger(__name__)


class Checkpointer:
    """For one sync run on `db`; does nothing but on SQLite, or when `enabled` is False."""

    def __init__(self, db: sa.Engine, *, enabled: bool = True) -> None:
        self._db = db
        self._wake = threading.Event()
        self._stop = False
        self._copied = threading.Condition()
        self._asked = self._done = 0  # commits told of, and those copied
        self._thread: threading.Thread | None = None
        if enabled and db.dialect.name == "sqlite":
            self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
            self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None

    @contextmanager
    def writing(self, conn: sa.Connection) -> Iterator[None]:
        """The sync's connection checkpoints only as a backstop while it is the sync's; the
        pool's other users find it as it was."""
        if self._thread is None:
            yield
            return
        if self._asked % RESTART_EVERY == 0:
            with self._copied:
                self._copied.wait_for(lambda: self._done >= self._asked or self._thread is None)
        driver: Any = conn.connection.driver_connection
        (before,) = driver.execute("PRAGMA wal_autocheckpoint").fetchone()
        driver.execute(f"PRAGMA wal_autocheckpoint={WRITER_AFTER}")
        try:
            yield
        finally:
            driver.execute(f"PRAGMA wal_autocheckpoint={int(before)}")

    def committed(self) -> None:
        self._asked += 1
        self._wake.set()

    def _run(self) -> None:
        # a connection of its own, not the pool's: a pooled one would bring its page cache
        # (up to 32 MB) and send the writer to open another (measured: 31 MB more at peak)
        driver: Any = None
        try:
            args, params = self._db.dialect.create_connect_args(self._db.url)
            driver = self._db.dialect.loaded_dbapi.connect(*args, **params)
            while True:
                self._wake.wait()
                self._wake.clear()
                asked = self._asked
                # PASSIVE: copies what no reader still needs, waits for no one; once more
                # when the run ends, so that it leaves its log copied
                driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                with self._copied:
                    self._done = asked
                    self._copied.notify_all()
                if self._stop:
                    return
        except Exception:  # the writer's backstop checkpoints instead
            log.exception("sync.checkpoints_failed")
        finally:
            if driver is not None:  # it may not have opened (too many files open, say)
                driver.close()
            with self._copied:  # no writer waits for a thread that has ended
                self._done = 1 << 62
                self._copied.notify_all()

    def close(self) -> None:
        if self._thread is not None:
            self._stop = True
            self._wake.set()
            self._thread.join()
            self._thread = None

    def __enter__(self) -> Checkpointer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
