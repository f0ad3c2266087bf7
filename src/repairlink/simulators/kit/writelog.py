"""The append-only log of every write a simulator accepted, for tests and benchmarks.

A test reads it to check what reached the PMS and in which order; a benchmark compares each
entry's `received_at` (wall clock, `time.time()`, so comparable with another process's commit
time) with the moment the hub committed the change. Rejected requests (validation, auth,
faults, outage) are never logged: the PMS would have no trace of them either.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from starlette.requests import Request


class WriteLog:
    def __init__(self, facts: tuple[str, ...] = ("resource_id",)) -> None:
        # What else each entry says (the simulator's choice); absent facts are null.
        self.facts = facts
        self._entries: list[dict[str, Any]] = []
        # Handlers run on the server's event loop; the lock is for readers in other threads.
        self._lock = threading.Lock()

    def accept(self, request: Request, **facts: Any) -> dict[str, Any]:
        """Log `request` as accepted, with its `Idempotency-Key` header if it sent one."""
        unknown = set(facts) - set(self.facts)
        if unknown:
            raise ValueError(f"not facts of this log: {sorted(unknown)}")
        with self._lock:
            entry = {
                "seq": len(self._entries) + 1,
                # Taken as the write is accepted, under the lock, so seq order is time order.
                "received_at": time.time(),
                "method": request.method,
                "path": request.url.path,
                "idempotency_key": request.headers.get("idempotency-key"),
                **{name: facts.get(name) for name in self.facts},
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
