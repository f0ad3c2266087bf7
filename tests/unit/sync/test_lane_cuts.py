"""Where a stream's lanes are cut (issue 14, item 9): at about equal counts of records from
pages sampled across the window, however the records cluster in time; a sample that fails is
left out, the first one's failure raised."""

from __future__ import annotations

import bisect
import threading
from datetime import UTC, datetime, timedelta

import pytest

from repairlink.inbound import lane_cuts
from repairlink.inbound.lane_cuts import Sample

UNTIL = datetime(2026, 12, 4, tzinfo=UTC)
START = UNTIL - timedelta(days=6 * 365)


def _clustered(count: int) -> list[datetime]:
    """Records modified over six years, ever denser towards the end, none in its last year
    (as the simulator's portfolios are)."""
    span = (UNTIL - START).total_seconds() * 5 / 6
    return [START + timedelta(seconds=span * (n / count) ** 0.25) for n in range(count)]


class _List:
    """A PMS list ordered by modified time, asked for one page from a moment on."""

    def __init__(self, times: list[datetime], *, totals: bool, size: int = 50) -> None:
        self.times, self.totals, self.size = times, totals, size
        self.failing: set[datetime] = set()  # the moments whose probes fail
        self.stalling: set[int] = set()  # the probes (by order asked) that wait for `released`
        self.released = threading.Event()
        self.asked = 0
        self._lock = threading.Lock()  # asked from several threads at once

    def probe(self, moment: datetime | None) -> Sample:
        with self._lock:
            self.asked += 1
            asked = self.asked
        if moment in self.failing:
            raise RuntimeError("429")
        if asked in self.stalling:
            self.released.wait()
        start = 0 if moment is None else bisect.bisect_left(self.times, moment)
        page = tuple(self.times[start : start + self.size])
        remaining = len(self.times) - start
        return Sample(
            page, start + self.size >= len(self.times), remaining if self.totals else None
        )

    def lanes(self, cuts: list[datetime]) -> list[int]:
        edges = [0, *(bisect.bisect_left(self.times, cut) for cut in cuts), len(self.times)]
        return [high - low for low, high in zip(edges, edges[1:], strict=False)]


def _cuts(listed: _List, lanes: int = 8, per_lane: int = 100) -> list[datetime]:
    return lane_cuts.cuts(listed.probe, None, UNTIL, lanes, per_lane=per_lane, wait_s=5.0)


@pytest.mark.parametrize("totals", [True, False])
def test_clustered_records_are_cut_into_lanes_of_about_equal_counts(totals: bool) -> None:
    listed = _List(_clustered(5000), totals=totals)
    cuts = _cuts(listed)
    assert cuts == sorted(cuts)
    assert all(START < cut < UNTIL for cut in cuts)
    counts = listed.lanes(cuts)
    assert len(counts) == 8
    assert sum(counts) == 5000
    assert max(counts) < 1.25 * 5000 / 8  # cut at equal times, one lane held over half


def test_a_failed_sample_is_left_out_and_the_first_one_s_failure_is_raised() -> None:
    listed = _List(_clustered(5000), totals=True)
    # samples fail by the moment they are taken from, not by the order the threads that take
    # them at once happen to ask in: the same ones on every run
    start = listed.times[0]
    listed.failing = {start + (UNTIL - start) * n / lane_cuts.POINTS for n in (2, 5)}
    counts = listed.lanes(_cuts(listed))
    assert listed.asked > lane_cuts.POINTS  # they failed, and the cuts came all the same
    assert len(counts) == 8
    assert max(counts) < 1.5 * 5000 / 8
    listed = _List(_clustered(5000), totals=True)
    listed.failing = {None}  # type: ignore[arg-type]  # the first sample: the whole list's
    with pytest.raises(RuntimeError):
        _cuts(listed)


def test_a_straggling_sample_is_left_out_not_waited_for() -> None:
    listed = _List(_clustered(5000), totals=True)
    listed.stalling = {4}
    try:
        cuts = lane_cuts.cuts(listed.probe, None, UNTIL, 8, per_lane=100, wait_s=30.0)
        assert not listed.released.is_set()  # the cuts came while the sample still hung
    finally:
        listed.released.set()
    counts = listed.lanes(cuts)
    assert len(counts) == 8
    assert max(counts) < 1.5 * 5000 / 8


def test_a_short_list_is_read_whole_or_in_as_many_lanes_as_it_fills() -> None:
    assert _cuts(_List(_clustered(40), totals=False)) == []  # one page
    assert _cuts(_List([], totals=False)) == []
    listed = _List(_clustered(300), totals=True)
    assert len(listed.lanes(_cuts(listed))) == 3  # a lane is worth a page of 100 at least


def test_a_window_the_pms_counts_too_few_for_two_lanes_costs_one_sample() -> None:
    """An hourly run's window of a few dozen changes: the PMS's own count, on the first page,
    says there is nothing to cut, so no other sample is asked for (each is a request against
    the PMS's rate limit)."""
    listed = _List(_clustered(150), totals=True)
    assert _cuts(listed) == []
    assert listed.asked == 1
    uncounted = _List(_clustered(150), totals=False)  # a list without totals is sampled
    assert _cuts(uncounted) == []
    assert uncounted.asked > 1
