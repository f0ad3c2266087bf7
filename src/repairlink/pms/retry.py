"""Retrying a PMS call with exponential back-off and jitter, honouring Retry-After (S-05).

The loop is tenacity's; what is ours is the wait: the PMS's Retry-After when it sends one
(capped), else a doubling step with jitter from an injected random source, so that tests can
record the waits instead of sleeping them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from repairlink.pms.connector import TransientFetchError

T = TypeVar("T")


@dataclass
class RetryPolicy:
    # A 5xx without Retry-After is usually one request's bad luck: the first retry goes after
    # 50-100 ms (jittered), then the wait doubles. Eight attempts wait up to some 13 s in all,
    # as the six from a half-second start did, before the run fails and resumes next time.
    attempts: int = 8
    base: float = 0.1  # seconds; doubles each try
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)  # what it waited, for the run's log
    rng: random.Random = field(default_factory=random.Random)

    def call(self, fn: Callable[[], T]) -> T:
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=retry_if_exception_type(TransientFetchError),
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(fn)

    def _sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.sleep(seconds)

    def _wait(self, state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome is not None else None
        retry_after = failure.retry_after if isinstance(failure, TransientFetchError) else None
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap)  # the PMS said how long
        backoff = min(self.cap, self.base * 2.0 ** (state.attempt_number - 1))
        return backoff / 2 + self.rng.uniform(0, backoff / 2)  # jitter: no thundering herd
