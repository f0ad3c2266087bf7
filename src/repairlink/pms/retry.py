"""Retrying a PMS call with exponential back-off and jitter, honouring Retry-After (S-05)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from repairlink.pms.connector import TransientFetchError

T = TypeVar("T")


@dataclass
class RetryPolicy:
    attempts: int = 6
    base: float = 0.5  # seconds; doubles each try
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)  # what it waited, for the run's log
    rng: random.Random = field(default_factory=random.Random)

    def call(self, fn: Callable[[], T]) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return fn()
            except TransientFetchError as exc:
                if attempt == self.attempts:
                    raise
                wait = self._wait(attempt, exc.retry_after)
                self.waits.append(wait)
                self.sleep(wait)
        raise AssertionError("unreachable")

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap)  # the PMS said how long
        backoff = min(self.cap, self.base * 2.0 ** (attempt - 1))
        return backoff / 2 + self.rng.uniform(0, backoff / 2)  # jitter: no thundering herd
