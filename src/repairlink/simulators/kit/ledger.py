"""Records the hub writes to a simulator (works orders, charges, documents), by numbered id.

Ids run on from a base in the order of creation, as a PMS's own ids would. Handlers run on
the server's event loop; the lock is for readers in other threads (tests, the admin API).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from .errors import NotFound

T = TypeVar("T")


class Ledger(Generic[T]):
    def __init__(self, id_base: int) -> None:
        self.id_base = id_base
        self.by_id: dict[int, T] = {}
        self.lock = threading.Lock()

    def add(self, make: Callable[[int], T]) -> T:
        """Make the next record from its new id, and keep it."""
        with self.lock:
            record_id = self.id_base + len(self.by_id)
            record = self.by_id[record_id] = make(record_id)
            return record

    def get(self, record_id: int) -> T | None:
        return self.by_id.get(record_id)

    def require(self, record_id: int, what: str) -> T:
        """The record, or a 404 naming it ("Work order 60000009 was not found.")."""
        record = self.by_id.get(record_id)
        if record is None:
            raise NotFound(f"{what} {record_id} was not found.")
        return record

    def all(self) -> list[T]:
        with self.lock:
            return list(self.by_id.values())
