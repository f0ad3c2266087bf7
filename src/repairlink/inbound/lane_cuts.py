"""Where a stream's lanes are cut (`inbound/lanes`): at equal counts of records, not equal
times, from a few pages sampled across its modified window.

Cut at equal times, most of a list fell in the one or two lanes nearest its last changes
(records cluster), so that lane was most of the stream's chain and every fault on it was paid
in series. So the window is sampled: its first page (which says when its earliest record was
modified), then a page from each of `POINTS - 1` equally spaced moments after that, all at
once. Each sample tells how many records its stretch holds: exactly where the PMS reports
the list's total from that moment on (Alto's `totalItems`), or where the page ran past the
stretch's end (every record of the stretch is in it); else by the page's density (so many
records in so much time). The cuts then fall at equal shares of the estimated count, at a
sampled record's own time where the sample reaches it.

The first sample is needed (it is the lower bound), and where the PMS counts the window on
it (Alto's `totalItems`) and the count fills fewer than two lanes, it is the only one: an
hourly run's few dozen changes cost one request, not a round of samples against the PMS's
rate limit. The others only sharpen the cuts: one
that fails or straggles is left out, never retried or waited for, and its stretch joins the
one before it. Where a cut falls in a stretch past the records its sample saw, a sample is
taken again from a little before where it is thought to be, once. The cuts rely on the
list's order by modified time only for their balance: whatever the order, each record is in
exactly one lane.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from time import perf_counter
from typing import Any

POINTS = 8  # stretches the window is sampled in
REFINE = 1  # rounds that sample again the stretches a cut falls in, past what was seen there
_TICK = timedelta(milliseconds=1)  # Alto's resolution: no stretch is thinner
# Stragglers get as long again as the first three in four took, this long at least: samples
# answered in a millisecond (a fast PMS nearby) must not cut off threads still starting.
STRAGGLER_GRACE_S = 0.25


@dataclass(frozen=True)
class Sample:
    """A page from one moment on: its records' modified times in order; whether the window
    ends with them; the window's count from that moment on, where the PMS reports it."""

    times: tuple[datetime, ...]
    last: bool
    remaining: int | None = None


Probe = Callable[[datetime | None], Sample]  # a page from a moment on (None: the window's start)


def modified_times(items: Iterable[Any], key: str | None) -> tuple[datetime, ...]:
    """A sampled page's records' modified times (those it says: one that is not a time is
    left to the page worker to report), in order; a time without a zone is UTC."""
    times = []
    for item in items:
        value = item.get(key or "") if isinstance(item, dict) else None
        with suppress(TypeError, ValueError):
            moment = datetime.fromisoformat(str(value))
            times.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return tuple(sorted(times))


def cuts(
    probe: Probe,
    since: datetime | None,
    until: datetime,
    lanes: int,
    *,
    per_lane: int,
    wait_s: float,
) -> list[datetime]:
    """Where to cut [since, until) into at most `lanes` lanes of about equal counts, each of
    `per_lane` records at least; [] when the window is read whole. A failure of the first
    sample is raised (the caller's retry); the others' are left out."""
    first = probe(since)
    if not first.times or first.last or first.times[0] >= until:
        return []  # empty, or one page: nothing to cut
    if first.remaining is not None and first.remaining < 2 * per_lane:
        return []  # the PMS's own count: too few for two lanes, whatever the samples said
    start = first.times[0]
    bounds = [start + (until - start) * n / POINTS for n in range(POINTS + 1)]
    bounds, samples = _kept(bounds, [first, *_sampled(probe, bounds[1:-1], wait_s)])
    for round_ in range(REFINE + 1):
        counts = _counts(bounds, samples)
        number = min(lanes, int(sum(counts) // max(per_lane, 1)))
        if number < 2:
            return []
        places = list(_shares(counts, number))
        # a cut not at a sampled record: sample from a little before where it is thought to be
        lead = len(first.times) / 2
        blind = [
            _moment(bounds, samples, counts, n, max(into - lead, 0.0))[0]
            for n, into in places
            if not _moment(bounds, samples, counts, n, into)[1]
        ]
        if not blind or round_ == REFINE:
            return _rising(bounds, [_moment(bounds, samples, counts, *p)[0] for p in places])
        bounds, samples = _refined(probe, bounds, samples, blind, wait_s)
    raise AssertionError("unreachable")


def _sampled(probe: Probe, moments: Sequence[datetime], wait_s: float) -> list[Sample | None]:
    """A sample from each moment, all at once; None for one that failed or straggled: once
    three in four have answered, the rest get as long again, `STRAGGLER_GRACE_S` at least (and
    `wait_s` in all at most)."""
    if not moments:
        return []
    pool = ThreadPoolExecutor(max_workers=len(moments), thread_name_prefix="lane-sample")
    started = perf_counter()
    try:
        futures = [pool.submit(probe, moment) for moment in moments]
        deadline, pending = started + wait_s, set(futures)
        while pending and (left := deadline - perf_counter()) > 0:
            _, pending = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
            if len(pending) <= len(futures) // 4:
                elapsed = perf_counter() - started
                deadline = min(deadline, started + elapsed + max(elapsed, STRAGGLER_GRACE_S))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a stalled one finishes on its own
    return [_answer(future) for future in futures]


def _answer(future: Future[Sample]) -> Sample | None:
    """A sample's page; None where it failed, is still running, or never started (cancelled
    at the deadline: asking a cancelled future for its exception raises)."""
    if not future.done() or future.cancelled() or future.exception() is not None:
        return None
    return future.result()


def _kept(
    bounds: list[datetime], samples: list[Sample | None]
) -> tuple[list[datetime], list[Sample]]:
    """The stretches with a sample: one whose sample failed joins the stretch before it."""
    pairs = zip(bounds[:-1], samples, strict=True)
    kept = [(bound, sample) for bound, sample in pairs if sample is not None]
    return [bound for bound, _ in kept] + [bounds[-1]], [sample for _, sample in kept]


def _refined(
    probe: Probe,
    bounds: list[datetime],
    samples: list[Sample],
    moments: list[datetime],
    wait_s: float,
) -> tuple[list[datetime], list[Sample]]:
    """The stretches sampled again from each of `moments` (all at once)."""
    fresh = sorted(set(moments) - set(bounds))
    joined = sorted(
        [
            *zip(bounds[:-1], samples, strict=True),
            *zip(fresh, _sampled(probe, fresh, wait_s), strict=True),
        ],
        key=lambda pair: pair[0],
    )
    return _kept([bound for bound, _ in joined] + [bounds[-1]], [sample for _, sample in joined])


def _inside(bounds: list[datetime], samples: list[Sample], n: int) -> int:
    """How many of stretch n's first records its sample saw (their times are known)."""
    return sum(1 for t in samples[n].times if bounds[n] <= t < bounds[n + 1])


def _density(bounds: list[datetime], samples: list[Sample], n: int) -> float | None:
    """Records per second where stretch n begins, when its sample ends inside it (else the
    sample holds the whole stretch and its count is exact)."""
    sample = samples[n]
    if sample.last or not sample.times or _inside(bounds, samples, n) < len(sample.times):
        return None
    span = max(sample.times[-1] - bounds[n], _TICK)
    return len(sample.times) / span.total_seconds()


def _counts(bounds: list[datetime], samples: list[Sample]) -> list[float]:
    """How many records each stretch [bounds[n], bounds[n + 1]) holds: exactly where the PMS's
    totals or the sample's own records say, else by the densities where it begins and where
    the next begins (a list's density changes across a stretch)."""
    after = [sample.remaining for sample in samples] + [0]
    densities = [_density(bounds, samples, n) for n in range(len(samples))] + [None]
    counts = []
    for n in range(len(samples)):
        was, then, here, there = after[n], after[n + 1], densities[n], densities[n + 1]
        if was is not None and then is not None:
            counts.append(float(was - then))  # the PMS's own totals
        elif here is None:
            counts.append(float(_inside(bounds, samples, n)))  # the sample held all of it
        else:
            width = (bounds[n + 1] - bounds[n]).total_seconds()
            counts.append(width * (here if there is None else (here + there) / 2))
    return counts


def _shares(counts: list[float], number: int) -> Iterator[tuple[int, float]]:
    """Where each of the `number - 1` cuts falls: its stretch, and how many records into it."""
    total, before, stretch = sum(counts), 0.0, 0
    for share in range(1, number):
        target = total * share / number
        while stretch < len(counts) - 1 and before + counts[stretch] <= target:
            before += counts[stretch]
            stretch += 1
        yield stretch, target - before


def _moment(
    bounds: list[datetime], samples: list[Sample], counts: list[float], n: int, into: float
) -> tuple[datetime, bool]:
    """The moment `into` records into stretch n, and whether it is exact: a sampled record's
    own time where the sample reaches it, else in proportion through the stretch."""
    low, high = bounds[n], bounds[n + 1]
    inside = [t for t in samples[n].times if low <= t < high]
    if int(into) < len(inside):
        return inside[int(into)], True
    return low + (high - low) * (into / counts[n] if counts[n] else 0.0), False


def _rising(bounds: list[datetime], moments: list[datetime]) -> list[datetime]:
    """The cuts strictly rising inside the window (two shares may fall on one record)."""
    cut_at: list[datetime] = []
    for moment in moments:
        if (cut_at[-1] if cut_at else bounds[0]) < moment < bounds[-1]:
            cut_at.append(moment)
    return cut_at
