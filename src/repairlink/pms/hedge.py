"""A stalled page read retried promptly (issue 14, item 9): a hedged request.

A page read (an idempotent GET) that has not answered after a few times the usual page's
time is asked for again beside it, and whichever answers first is used; the other is left to
finish or time out on its own. A PMS that stalls one request in ten then costs a sync about a
second per stall instead of a whole read timeout each, and nothing is lost if the first was
only slow: it can still win. The usual time is learned from the last pages' answers, so a
PMS whose pages are slow is not asked twice for each.
"""

from __future__ import annotations

import statistics
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from time import perf_counter
from typing import TypeVar

T = TypeVar("T")

SEEN = 20  # answers the usual time is learned from
FACTOR = 4.0  # a read this many times slower than usual is asked again
MIN_HEDGE_S = 0.25  # a page usually answers in tens of ms; an 8 s stall then costs a quarter second
# Reads in flight at once: every lane an Alto full run reads ahead (three streams of sixteen
# lanes, `inbound/lanes`, and suppliers: 49), with room for hedges and, at a stream's start,
# the pages sampled to cut it (`inbound/lane_cuts`: fifteen a stream at once), which may
# queue briefly then. With much fewer, a lane's read (or a hedge) queued behind the others'
# stalls; 96 measured no better than 64 (bench/sync_faults: 1.56-1.60 against 1.42-1.58).
MAX_READS = 64
FIRST_GUESS_S = 2.0  # before any page has answered
RECHECK_S = 0.5  # how often a wait for two asks looks for one cancelled by `close`


class Hedger:
    def __init__(self, ceiling_s: float, *, min_s: float = MIN_HEDGE_S) -> None:
        self.ceiling_s = ceiling_s  # never later than this (the read timeout)
        self.min_s = min_s
        self._seen: deque[float] = deque(maxlen=SEEN)
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=MAX_READS, thread_name_prefix="hedge")
        self.hedged = 0  # reads asked for a second time (for the run's figures and tests)

    def after_s(self) -> float:
        """How long a read may take before it is asked for again."""
        with self._lock:
            usual = statistics.median(self._seen) if self._seen else FIRST_GUESS_S / FACTOR
        return min(max(usual * FACTOR, self.min_s), self.ceiling_s)

    def call(self, fn: Callable[[], T]) -> T:
        first = self._pool.submit(self._timed, fn)
        done, _ = wait([first], timeout=self.after_s())
        if done:
            return first.result()
        try:
            second = self._pool.submit(self._timed, fn)
        except RuntimeError:  # the reads were closed meanwhile: the first ask is the answer
            return first.result()
        with self._lock:
            self.hedged += 1
        return _first_answer(first, second)

    def _timed(self, fn: Callable[[], T]) -> T:
        started = perf_counter()
        result = fn()
        with self._lock:
            self._seen.append(perf_counter() - started)
        return result

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _first_answer(first: Future[T], second: Future[T]) -> T:
    """The first of two futures to succeed. If the second ask fails while the first is still
    stalled, its error at once: waiting for the stalled one would cost up to the read timeout
    (seconds) before a 429's Retry-After, or a 5xx's retry, could even begin. If both fail,
    the first one's error. A second ask cancelled before it started (the reads closed while
    it queued) is no answer; and as `wait` never returns such a one, it is looked for now and
    then, or a first ask that failed meanwhile would leave its caller waiting for ever."""
    pending = {first, second}
    while pending:
        done, pending = wait(pending, timeout=RECHECK_S, return_when=FIRST_COMPLETED)
        for future in done:
            if not future.cancelled() and future.exception() is None:
                return future.result()
        if second in done and first in pending:
            return second.result()  # raises the second request's error; the first is left
        pending = {future for future in pending if not future.cancelled()}
    return first.result()  # raises the first request's error
