"""The queue for SQLite's one write lock in a process (store/db.WriterQueue): a sync that gives
way lets the writers waiting then go first, without waiting for those that come after."""

from __future__ import annotations

import threading
from collections.abc import Callable

from repairlink.store.db import WriterQueue


def _waiting_writer(queue: WriterQueue, log: list[str], name: str) -> threading.Thread:
    """A thread that waits for the lock, writes its name down holding it, and lets go; started,
    and known to be waiting, before this answers."""

    def write() -> None:
        assert queue.acquire(timeout=10)
        log.append(name)
        queue.release()

    before = queue._waiting
    thread = threading.Thread(target=write)
    thread.start()
    _until(lambda: queue._waiting > before)
    return thread


def _until(condition: Callable[[], bool]) -> None:
    done = threading.Event()
    for _ in range(10_000):
        if condition():
            return
        done.wait(0.001)
    raise AssertionError("never came true")


def test_a_writer_waiting_when_the_sync_commits_writes_before_the_sync_takes_the_lock_again() -> (
    None
):
    queue = WriterQueue()
    log: list[str] = []
    assert queue.acquire(timeout=1)  # the sync's transaction
    other = _waiting_writer(queue, log, "other")
    assert queue.waiting()
    queue.release()  # it commits
    queue.give_way(within_s=10)
    assert queue.acquire(timeout=1)  # its next transaction
    log.append("sync")
    queue.release()
    other.join()
    assert log == ["other", "sync"]
    assert not queue.waiting()


def test_with_nobody_waiting_giving_way_does_not_wait() -> None:
    """Another thread holding the lock is not waiting for it: the sync does not wait for it
    to be done (it would wait for nothing it owes), it queues as any writer."""
    queue = WriterQueue()
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        assert queue.acquire(timeout=10)
        holding.set()
        done.wait(10)
        queue.release()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    gave_way = threading.Event()

    def give_way() -> None:
        queue.give_way(within_s=30)
        gave_way.set()

    asker = threading.Thread(target=give_way)
    asker.start()
    assert gave_way.wait(10)
    done.set()
    for thread in (holder, asker):
        thread.join()


def test_a_thread_still_holding_the_lock_gives_way_to_nobody() -> None:
    """An outer transaction of the same thread still holds it: waiting would only stall."""
    queue = WriterQueue()
    log: list[str] = []
    assert queue.acquire(timeout=1)
    assert queue.acquire(timeout=1)  # a nested transaction
    other = _waiting_writer(queue, log, "other")
    queue.release()
    queue.give_way(within_s=30)  # at once, not after 30 s: nobody can have the lock yet
    assert log == []
    queue.release()
    other.join()
    assert log == ["other"]
