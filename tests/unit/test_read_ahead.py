"""The reference bridge client reads its PMS's next pages while it pushes one: the pages come
in order, all of them, a failed read fails where that page would have come, and a client that
stops early leaves no reader behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from repairlink.simulators.platform.read_ahead import read_ahead


def test_every_page_comes_in_order() -> None:
    assert list(read_ahead(iter(range(10)), 2)) == list(range(10))


def test_a_failed_read_fails_where_its_page_would_have_come() -> None:
    def pages() -> Iterator[int]:
        yield 1
        yield 2
        raise ConnectionError("the PMS did not answer")

    reading = read_ahead(pages(), 2)
    assert [next(reading), next(reading)] == [1, 2]
    with pytest.raises(ConnectionError, match="did not answer"):
        next(reading)


def test_reading_stays_at_most_depth_pages_ahead_and_stops_with_the_client() -> None:
    asked = 0

    def pages() -> Iterator[int]:
        nonlocal asked
        for n in range(100):
            asked += 1
            yield n

    reading = read_ahead(pages(), 2)
    assert next(reading) == 0
    reading.close()  # the client stops after one page
    # taken 1, 2 queued, 1 more read and waiting to be queued at most
    assert asked <= 4
    assert not [t for t in threading.enumerate() if t.name == "pms-read-ahead"]
