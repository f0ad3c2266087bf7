"""The append-only log of every write the simulator accepted, for tests and benchmarks.

A test reads it to check what reached "Alto" and in which order; a benchmark compares each
entry's `received_at` (wall clock, `time.time()`, so comparable with another process's
commit time) with the moment the hub committed the change. Rejected requests (validation,
auth, faults, outage) are never logged: Alto would have no trace of them either.
"""

from __future__ import annotations

import threading
import time
from typing import Any


class WriteLog:
    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        # Handlers run on the server's event loop; the lock is for readers in other threads.
        self._lock = threading.Lock()

    def record(
        self,
        method: str,
        path: str,
        idempotency_key: str | None,
        *,
        work_order_id: int | None = None,
        status: str | None = None,
        resource_id: int | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            entry = {
                "seq": len(self._entries) + 1,
                # Taken as the write is accepted, under the lock, so seq order is time order.
                "received_at": time.time(),
                "method": method,
                "path": path,
                "idempotency_key": idempotency_key,
                "work_order_id": work_order_id,
                "status": status,
                "resource_id": resource_id,
            }
            self._entries.append(entry)
            return entry

    def since(self, seq: int) -> list[dict[str, Any]]:
        """Entries after `seq` (0 for all), oldest first."""
        with self._lock:
            return [dict(entry) for entry in self._entries[max(seq, 0) :]]

    @property
    def last_seq(self) -> int:
        with self._lock:
            return len(self._entries)
