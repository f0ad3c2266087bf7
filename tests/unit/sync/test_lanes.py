"""A stream read as lanes (issue 14, item 9): its modified window cut into consecutive parts
that together cover it once, a lane's position a cursor the checkpoint keeps (S-03), and the
read-ahead handing the lanes' pages to the writer in lane order."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from repairlink.inbound import lanes
from repairlink.inbound.read_ahead import ReadAhead
from repairlink.inbound.ready_page import PackedPage, ReadyPage

UNTIL = datetime(2026, 12, 4, tzinfo=UTC)
EARLIEST = UNTIL - timedelta(days=400)


def _lane(cursor: str | None) -> lanes.LaneCursor:
    lane = lanes.decode(cursor)
    assert lane is not None
    return lane


def _first(since: datetime | None, count: int) -> lanes.LaneCursor:
    start = since or EARLIEST
    step = (UNTIL - start) / count
    first = lanes.at(since, [start + step * n for n in range(1, count)], UNTIL)
    assert first is not None
    return first


def test_the_lanes_cover_the_window_once_in_order() -> None:
    cut = [_lane(start) for start in _first(None, 4).starts()]
    assert [lane.lane for lane in cut] == [0, 1, 2, 3]
    assert cut[0].since is None  # a full run's first lane is open below
    assert [lane.until for lane in cut[:-1]] == [lane.since for lane in cut[1:]]  # no gap
    assert cut[-1].until == UNTIL


def test_a_lane_s_cursor_goes_on_in_it_then_to_the_next_lane_then_ends() -> None:
    first = _first(UNTIL - timedelta(days=10), 2)
    within = _lane(first.after("token-2"))
    assert (within.lane, within.token) == (0, "token-2")
    assert first.after(None) == first.starts()[1]  # the next lane's start: where it ends
    assert _lane(first.starts()[1]).after(None) is None  # the stream is done


def test_a_resumed_lane_reads_the_rest_of_its_lane_and_the_lanes_after_it() -> None:
    first = _first(None, 3)
    resumed = _lane(_lane(first.starts()[1]).after("t"))
    assert resumed.starts() == [resumed.encode(), first.starts()[2]]


def test_plain_cursors_and_windows_with_no_cut_are_left_whole() -> None:
    assert lanes.decode("an-alto-token") is None
    assert lanes.decode(None) is None
    assert lanes.at(None, [], UNTIL) is None  # lane_cuts found nothing to cut


def _page(cursor: str | None, size: int) -> PackedPage:
    return PackedPage.pack(ReadyPage({}, {}, {}, [], cursor, size, {}))


def test_the_writer_takes_the_lanes_pages_in_lane_order() -> None:
    """Lane "a" holds pages 1-3, lane "b" pages 4-5: whichever is fetched first, the pages come
    out as one chain would give them, each with the cursor after it."""
    chain = {"a": "a1", "a1": "a2", "a2": "b", "b": "b1", "b1": None}
    sizes = {"a": 1, "a1": 2, "a2": 3, "b": 4, "b1": 5}

    def fetch(_stream: str, cursor: str | None) -> PackedPage:
        assert cursor is not None
        return _page(chain[cursor], sizes[cursor])

    with ReadAhead(fetch, [("s", None)], lanes=lambda _s, _c: ["a", "b"]) as reader:
        pages = list(reader.pages("s"))
    assert [p.size for p in pages] == [1, 2, 3, 4, 5]
    assert [p.next_cursor for p in pages] == ["a1", "a2", "b", "b1", None]


def test_a_lane_whose_thread_cannot_start_fails_the_stream_in_its_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A limit on threads once left the writer waiting for lane "b" for ever: its failure is
    raised where its pages would be, after lane "a"'s."""
    chain = {"a": "a1", "a1": "b", "b": None}
    starts = threading.Thread.start

    def refused(thread: threading.Thread) -> None:
        if thread.name.startswith("read-ahead-"):
            raise RuntimeError("can't start new thread")
        starts(thread)

    monkeypatch.setattr(threading.Thread, "start", refused)

    def fetch(_stream: str, cursor: str | None) -> PackedPage:
        assert cursor is not None
        return _page(chain[cursor], 1)

    with ReadAhead(fetch, [("s", None)], lanes=lambda _s, _c: ["a", "b"]) as reader:
        pages = reader.pages("s")
        assert [next(pages).next_cursor, next(pages).next_cursor] == ["a1", "b"]
        with pytest.raises(RuntimeError, match="new thread"):
            next(pages)
