"""Making pages ready (`pages`) in a process of its own, so that a sync uses two cores: one
parses, maps and normalises the next page while the other decides and writes this one.

The process is forked at the start of a run, so it holds the connector's parser, the profile
(whose filters are functions) and the settings without pickling them: raw pages go in,
ready pages come back pickled (`PackedPage`), to wait compactly until the writer takes them
(`read_ahead` bounds how many bytes wait). It dies with the process that started it, SIGKILL
included (Linux), so a killed sync leaves nothing behind (S-03). Where fork does not exist,
pages are made ready in the calling thread.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import TracebackType

from repairlink.inbound.ready_page import PackedPage, ReadyPage, make_ready
from repairlink.pms.connector import PageParser, TransientFetchError
from repairlink.pms.profile import Config, Profile
from repairlink.pms.streams import RawPage

PR_SET_PDEATHSIG = 1
PREPARERS = 1  # processes: one, beside the writer, on a machine of two cores
# What each preparer's process works with, by token: set before the fork, read after it.
_WORK: dict[int, tuple[PageParser, Profile, Config, str]] = {}
_tokens = itertools.count()


def _die_with_parent(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except AttributeError:  # no prctl (not Linux): the pool's own shutdown must do
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)


class _Turns:
    """Which waiting page is made ready next: the one the writer takes first (its stream's
    place in the run, then its lane's), so that the pages read ahead for later streams never
    hold up the stream being written. In turn as asked, a lease page of Propertyware (50 ms
    to make ready) went before the units the writer waited for: 4-5 s of a 100k-unit run.
    A place is handed to the next in line alone (an Alto run has 48 lanes waiting: waking
    them all for each page cost the writer's process more than the order saved)."""

    def __init__(self, at_once: int) -> None:
        self._lock = threading.Lock()
        self._queued = threading.Condition(self._lock)  # told when one joins the line (tests)
        self._waiting: list[tuple[tuple[int, int], int, threading.Event]] = []  # a heap
        self._arrivals = itertools.count()
        self._free = at_once
        self._closed = False

    @contextmanager
    def turn(self, rank: tuple[int, int]) -> Iterator[None]:
        go = threading.Event()
        with self._lock:
            if self._closed:
                go.set()  # refused below
            elif self._free > 0 and not self._waiting:
                self._free -= 1
                go.set()
            else:
                heapq.heappush(self._waiting, (rank, next(self._arrivals), go))
                self._queued.notify_all()
        go.wait()
        if self._closed:  # as the closed pool would refuse it: not a fetch to retry
            raise RuntimeError("the run stopped before this page was made ready")
        try:
            yield
        finally:
            with self._lock:
                if self._waiting:  # the place goes to the next in line
                    heapq.heappop(self._waiting)[2].set()
                else:
                    self._free += 1

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for _, _, go in self._waiting:
                go.set()
            self._waiting.clear()


def _make_ready(token: int, stream: str, raw: RawPage) -> PackedPage | str:
    parse, profile, config, region = _WORK[token]
    try:
        page = parse(stream, raw)
    except TransientFetchError as exc:
        return exc.message  # as text: the fetching side raises it again and retries (S-05)
    return PackedPage.pack(make_ready(profile, config, page, region=region))


class PagePreparer:
    def __init__(
        self,
        parse: PageParser,
        profile: Profile,
        config: Config,
        *,
        forked: bool = True,
        order: Sequence[str] = (),  # the run's streams, in the order they are written
        region: str = "GB",  # the agency's, for phones written without their country
    ) -> None:
        self._order = {stream: place for place, stream in enumerate(order)}
        self._turns = _Turns(PREPARERS)
        self._token = next(_tokens)
        _WORK[self._token] = (parse, profile, config, region)
        self._pool: ProcessPoolExecutor | None = None
        if forked and "fork" in multiprocessing.get_all_start_methods():
            self._pool = ProcessPoolExecutor(
                max_workers=PREPARERS,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
            # fork now, from this thread: the child's death signal follows the forking thread
            self._pool.submit(int).result()

    def packed(self, stream: str, raw: RawPage, *, lane: int = 0) -> PackedPage:
        """The page made ready, as bytes to keep until it is written (`PackedPage.open`);
        `lane`: the stream's lane it is in (`inbound/lanes`), the first written first."""
        if self._pool is None:
            result = _make_ready(self._token, stream, raw)
        else:
            with self._turns.turn((self._order.get(stream, len(self._order)), lane)):
                result = self._pool.submit(_make_ready, self._token, stream, raw).result()
        if isinstance(result, str):
            raise TransientFetchError(result)
        return result

    def ready(self, stream: str, raw: RawPage) -> ReadyPage:
        return self.packed(stream, raw).open()

    def close(self) -> None:
        self._turns.close()
        _WORK.pop(self._token, None)
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> PagePreparer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
