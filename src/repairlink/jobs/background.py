"""Runs started in a thread of this process ("Sync now", "Reconcile now", the embedded
runner's schedules): one at a time per key, the run's id answered at once."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Hashable

from repairlink.errors import ConflictError

log = logging.getLogger(__name__)

Work = Callable[[], None]  # carries a run to its end
Begin = Callable[[], tuple[int, Work]]  # writes the run's row: answers its id and its work

_running: dict[Hashable, threading.Lock] = defaultdict(threading.Lock)


def start_once(key: Hashable, busy: ConflictError, begin: Begin, name: str) -> int:
    """Begin a run and carry it on in a thread named `name` and its id; `busy` is raised
    while one of the same `key` runs in this process."""
    lock = _running[key]
    if not lock.acquire(blocking=False):
        raise busy
    try:
        run_id, work = begin()
    except BaseException:
        lock.release()
        raise

    def carry_on() -> None:
        try:
            work()
        except Exception:  # the run's row carries the failure and its reason for the agent
            log.exception("%s %s failed", name, run_id)
        finally:
            lock.release()

    threading.Thread(target=carry_on, name=f"{name}-{run_id}", daemon=True).start()
    return run_id
