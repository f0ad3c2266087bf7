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

log = structlog.get_logger(__name__)


class Checkpointer:
    """For one sync run on `db`; does nothing but on SQLite, or when `enabled` is False."""

    def __init__(self, db: sa.Engine, *, enabled: bool = True) -> None:
        self._db = db
        self._wake = threading.Event()
        self._stop = False
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
        driver: Any = conn.connection.driver_connection
        (before,) = driver.execute("PRAGMA wal_autocheckpoint").fetchone()
        driver.execute(f"PRAGMA wal_autocheckpoint={WRITER_AFTER}")
        try:
            yield
        finally:
            driver.execute(f"PRAGMA wal_autocheckpoint={int(before)}")

    def committed(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        raw = self._db.raw_connection()
        driver: Any = raw.driver_connection
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                # PASSIVE: copies what no reader still needs, waits for no one; once more
                # when the run ends, so that it leaves its log copied
                driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                if self._stop:
                    return
        except Exception:  # the writer's backstop checkpoints instead
            log.exception("sync.checkpoints_failed")
        finally:
            raw.close()

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
