"""Issue 14, item 9: a stalled page read is asked for again beside itself, and the first answer
wins; a read that answers in its usual time is asked once; a second ask that fails while the
first still stalls is raised at once; both failing raises the first's."""

from __future__ import annotations

import threading
from itertools import count

import pytest

from repairlink.pms import hedge
from repairlink.pms.hedge import MIN_HEDGE_S, Hedger


def test_a_stalled_read_is_asked_again_and_the_second_answer_is_used() -> None:
    released = threading.Event()
    calls = count(1)

    def read() -> str:
        n = next(calls)
        if n == 1:
            released.wait(10)  # stalls until the test ends
            return "late"
        return "prompt"

    hedger = Hedger(ceiling_s=0.05, min_s=0.01)
    try:
        assert hedger.call(read) == "prompt"
        assert hedger.hedged == 1
    finally:
        released.set()
        hedger.close()


def test_a_read_in_its_usual_time_is_asked_once() -> None:
    hedger = Hedger(ceiling_s=5.0)
    try:
        assert [hedger.call(lambda n=n: n) for n in range(5)] == [0, 1, 2, 3, 4]
        assert hedger.hedged == 0
        assert hedger.after_s() == MIN_HEDGE_S  # the floor: fast pages do not make it hair-trigger
    finally:
        hedger.close()


def test_when_both_fail_the_first_error_is_raised() -> None:
    calls = count(1)
    first_failed = threading.Event()

    def read() -> str:
        n = next(calls)
        if n == 1:
            threading.Event().wait(0.2)  # past the hedge, then fails
            first_failed.set()
        else:
            first_failed.wait(10)  # fails after the first did
        raise RuntimeError(f"failure {n}")

    hedger = Hedger(ceiling_s=0.05, min_s=0.01)
    try:
        with pytest.raises(RuntimeError, match="failure 1"):
            hedger.call(read)
    finally:
        hedger.close()


def test_a_second_ask_refused_while_the_first_stalls_is_raised_without_waiting_for_it() -> None:
    """A 429 on the hedge: its Retry-After starts now, not after the stalled read times out."""
    released = threading.Event()
    calls = count(1)

    def read() -> str:
        if next(calls) == 1:
            released.wait(10)  # stalls until the test ends
            return "late"
        raise RuntimeError("429 on the second ask")

    hedger = Hedger(ceiling_s=0.05, min_s=0.01)
    try:
        with pytest.raises(RuntimeError, match="429 on the second ask"):
            hedger.call(read)
        assert not released.is_set()  # the stalled read had not answered: nobody waited for it
    finally:
        released.set()
        hedger.close()


def test_reads_closed_while_the_second_ask_queued_leave_the_first_s_error_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run stopping closes its reads: a second ask still queued is cancelled, never run.
    When the first ask then fails, its error is raised (the caller never waits for ever on
    the ask that will not come)."""
    monkeypatch.setattr(hedge, "MAX_READS", 1)  # the second ask waits behind the first
    released = threading.Event()
    hedger = Hedger(ceiling_s=0.05, min_s=0.01)
    outcome: list[BaseException] = []

    def read() -> str:
        released.wait(10)
        raise RuntimeError("the first ask failed")

    def call() -> None:
        try:
            hedger.call(read)
        except BaseException as exc:  # the test looks at what was raised
            outcome.append(exc)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    queued = threading.Event()
    for _ in range(1000):  # until the second ask is queued (after 10 ms)
        if hedger.hedged:
            queued.set()
            break
        queued.wait(0.01)
    assert queued.is_set()
    hedger.close()  # cancels the queued second ask
    released.set()
    caller.join(10)
    assert not caller.is_alive(), "the caller still waits for the cancelled ask"
    assert [str(exc) for exc in outcome] == ["the first ask failed"]
