"""Pages are made ready in the order the writer takes them, not the order they were read:
the stream being written first, then its lanes in order; pages read ahead for later streams
wait their turn (a Propertyware run's lease pages once held up the units being written)."""

from __future__ import annotations

import threading

import pytest

from repairlink.inbound.page_worker import _Turns
from repairlink.pms.connector import TransientFetchError


def _ask(turns: _Turns, rank: tuple[int, int], order: list[tuple[int, int]]) -> None:
    with turns.turn(rank):
        order.append(rank)


def _until_waiting(turns: _Turns, count: int) -> None:
    with turns._queued:
        assert turns._queued.wait_for(lambda: len(turns._waiting) == count, timeout=10)


def test_the_page_written_first_is_made_ready_first_whatever_was_asked_first() -> None:
    turns = _Turns(1)
    order: list[tuple[int, int]] = []
    threads = []
    with turns.turn((0, 0)):  # the one place is taken: the others queue
        for rank in [(2, 0), (1, 3), (1, 0), (0, 5)]:  # later streams asked first
            thread = threading.Thread(target=_ask, args=(turns, rank, order))
            thread.start()
            threads.append(thread)
            _until_waiting(turns, len(threads))
    for thread in threads:
        thread.join(10)
    assert order == [(0, 5), (1, 0), (1, 3), (2, 0)]


def test_a_page_still_waiting_when_the_run_stops_is_given_up() -> None:
    turns = _Turns(1)
    failed: list[BaseException] = []

    def ask() -> None:
        try:
            _ask(turns, (1, 0), [])
        except RuntimeError as exc:  # not a TransientFetchError: the fetch is not retried
            failed.append(exc)

    with turns.turn((0, 0)):
        waiter = threading.Thread(target=ask)
        waiter.start()
        _until_waiting(turns, 1)
        turns.close()
    waiter.join(10)
    assert not waiter.is_alive()
    assert len(failed) == 1
    assert not isinstance(failed[0], TransientFetchError)
    with pytest.raises(RuntimeError), turns.turn((0, 0)):
        pass
