"""Reading and making pages ready (`pages`) apart from the writer, so that a sync's writer
has a process, and an interpreter, to itself.

Two processes are forked at the start of a run, so they hold the connector, its parser, the
profile (whose filters are functions) and the settings without pickling them. Where the
connector can read from a forked process (`pms.connector.Reopenable`: it talks HTTP), the
reading process reads the pages, many at once on threads of its own, with a twin of the
connector made after the fork, and sends each on raw to the preparing process, which parses,
maps and normalises one at a time, the page the writer takes first first (`_Turns`), and
sends it to the writer pickled (`PackedPage`), to wait compactly until the writer takes it
(`read_ahead` bounds how many bytes wait). Pages a connector cannot read apart (a bridge's
pushed ones) go raw to the preparing process. Reading in the writer's process cost its
writing 35-45% on SQLite (every statement's release of the interpreter took a tenth to a
third of a millisecond to get back from the reading threads); reading in the preparing
process made each page wait some 200 ms for its interpreter there (docs/performance.md,
eighth session).

A read's failure crosses back as what it is (a 429 with its Retry-After, a 401), and the
caller retries it (`RetryPolicy`, in the writer's process, as before). The processes die
with the process that started them, SIGKILL included (Linux), so a killed sync leaves
nothing behind (S-03); should one die first, every page asked fails the run instead of
being waited for. Where fork does not exist, pages are read and made ready in the calling
thread.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from multiprocessing.connection import Connection
from types import TracebackType

from repairlink.inbound.page_wire import ANSWER_WITHIN_S, Answer, Ask, Child, Work, failure_of
from repairlink.inbound.ready_page import PackedPage, ReadyPage, make_ready
from repairlink.pms.connector import Connector, PageParser, Reopenable
from repairlink.pms.profile import Config, Profile
from repairlink.pms.streams import RawPage

PR_SET_PDEATHSIG = 1
PREPARERS = 1  # pages made ready at once: one process's thread, beside the writer, on 2 cores
# Pages read at once in the reading process: every lane a run reads ahead and the hedged
# asks beside them (as `pms.hedge.MAX_READS`); what is asked beyond them waits its turn.
READS_AT_ONCE = 64


def _die_with_parent(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except AttributeError:  # no prctl (not Linux): the parent's close must do
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)


class _Turns:
    """Which waiting page is made ready next: the one the writer takes first (its stream's
    place in the run, then its lane's), so that the pages read ahead for later streams never
    hold up the stream being written. In turn as asked, a lease page of Propertyware (50 ms
    to make ready) went before the units the writer waited for: 4-5 s of a 100k-unit run.
    A place is handed to the next in line alone (an Alto run has 48 lanes waiting: waking
    them all for each page cost more than the order saved)."""

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


def _ready(work: Work, stream: str, raw: RawPage) -> PackedPage:
    page = work.parse(stream, raw)  # a page that is not JSON raises TransientFetchError
    return PackedPage.pack(make_ready(work.profile, work.config, page, region=work.region))


def _answer_each(
    asks: Connection,
    out: Connection,
    handle: Callable[[Ask], object],
    failed: Callable[[object], object] = lambda failure: failure,
) -> None:
    """Each ask handled on a thread of its own, its result (or its failure, to be raised where
    it was asked: as `failed` wraps it) sent on with its number, until the ask to stop."""
    sending = threading.Lock()

    def answer(ident: int, ask: Ask) -> None:
        try:
            result = handle(ask)
        except BaseException as exc:  # crosses back, and is raised where it was asked
            result = failed(failure_of(exc))
        with sending:
            out.send((ident, result))

    pool = ThreadPoolExecutor(max_workers=READS_AT_ONCE, thread_name_prefix="page")
    while (asked := asks.recv()) is not None:
        pool.submit(answer, *asked)


def _read(work: Work, asks: Connection, onward: Connection, parent: int) -> None:
    """The reading process: each page read on a thread of its own, many at once, and sent on
    raw to the preparing process (a read's failure, or a stream's cuts, as they are)."""
    _die_with_parent(parent)
    assert work.connector is not None
    reader = work.connector.reopened()
    # a failure goes on as an answer, which the preparing process passes back as it is
    _answer_each(asks, onward, lambda ask: _read_one(reader, ask), failed=Answer)
    onward.send(None)
    os._exit(0)  # what is still being read is the run's no longer


def _read_one(reader: Reopenable, ask: Ask) -> Ask | Answer:
    if ask.window is None:  # a page read already
        return ask
    since, until, cursor = ask.window
    if ask.cuts is not None:
        cut_lanes = reader.cut_lanes  # type: ignore[attr-defined]  # asked only if it has it
        return Answer(cut_lanes(ask.stream, since=since, until=until, lanes=ask.cuts))
    raw = reader.fetch(ask.stream, since=since, until=until, cursor=cursor)
    return Ask(ask.stream, ask.rank, raw=raw)


def _prepare(work: Work, asks: Connection, answers: Connection, parent: int) -> None:
    """The preparing process: pages made ready one at a time, the writer's next first; each
    waits its turn on a thread of its own. Nothing else runs here, so the page being made
    ready never waits for the interpreter (pages read here too waited 200 ms a page)."""
    _die_with_parent(parent)
    turns = _Turns(PREPARERS)

    def prepare(ask: Ask | Answer) -> object:
        if isinstance(ask, Answer):  # the reading process's, passed on (a failure raised)
            return ask.result
        assert ask.raw is not None
        with turns.turn(ask.rank):
            return _ready(work, ask.stream, ask.raw)

    _answer_each(asks, answers, prepare)
    os._exit(0)


def _page(answer: object) -> PackedPage:
    assert isinstance(answer, PackedPage)
    return answer


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
        connector: Connector | None = None,  # reads the pages (`fetched`)
        answer_within_s: float = ANSWER_WITHIN_S,  # a page process hung: the run fails
    ) -> None:
        self._order = {stream: place for place, stream in enumerate(order)}
        apart = connector if isinstance(connector, Reopenable) else None  # read in the child
        self._work = Work(parse, profile, config, region, apart)
        self._connector = connector
        self._child: Child | None = None
        if forked and "fork" in multiprocessing.get_all_start_methods():
            # forked now, from this thread: the child's death signal follows the forking thread
            read = _read if apart is not None else None
            self._child = Child(
                self._work,
                os.getpid(),
                prepare=_prepare,
                read=read,
                answer_within_s=answer_within_s,
            )

    def packed(self, stream: str, raw: RawPage, *, lane: int = 0) -> PackedPage:
        """The page made ready, as bytes to keep until it is written (`PackedPage.open`);
        `lane`: the stream's lane it is in (`inbound/lanes`), the first written first."""
        if self._child is None:
            return _ready(self._work, stream, raw)
        return _page(self._child.ask(Ask(stream, self._rank(stream, lane), raw=raw)))

    def fetched(
        self,
        stream: str,
        *,
        since: datetime | None,
        until: datetime,
        cursor: str | None,
        lane: int = 0,
    ) -> PackedPage:
        """The stream's page at `cursor`, read from the connector and made ready; a read's
        failure is raised as the connector raised it (to be retried by the caller)."""
        if (child := self._reading_apart()) is not None:
            window = (since, until, cursor)
            return _page(child.ask(Ask(stream, self._rank(stream, lane), window=window)))
        raw = self._reader().fetch(stream, since=since, until=until, cursor=cursor)
        return self.packed(stream, raw, lane=lane)

    def cuts(
        self, stream: str, *, since: datetime | None, until: datetime, lanes: int
    ) -> list[datetime]:
        """Where the connector cuts the window into `lanes` (its `cut_lanes`), asked where the
        pages are read: one token, and hedging that knows the pages' usual time."""
        if (child := self._reading_apart()) is not None:
            cuts = child.ask(Ask(stream, window=(since, until, None), cuts=lanes))
            assert isinstance(cuts, list)
            return cuts
        cut_lanes = self._reader().cut_lanes  # type: ignore[attr-defined]  # the engine checks
        found: list[datetime] = cut_lanes(stream, since=since, until=until, lanes=lanes)
        return found

    def _reading_apart(self) -> Child | None:
        """The page processes, where they read the pages too."""
        return self._child if self._work.connector is not None else None

    def _reader(self) -> Connector:
        if self._connector is None:
            raise TypeError("pages are read by a connector: give it to PagePreparer")
        return self._connector

    def ready(self, stream: str, raw: RawPage) -> ReadyPage:
        return self.packed(stream, raw).open()

    def pids(self) -> dict[str, int | None]:
        """The run's page processes' ids by name (none where pages are made ready in the
        calling thread): for an operator's `ps`, and the tests that stop them."""
        return {} if self._child is None else self._child.pids()

    def _rank(self, stream: str, lane: int) -> tuple[int, int]:
        return (self._order.get(stream, len(self._order)), lane)

    def close(self) -> None:
        if self._child is not None:
            self._child.close()

    def __enter__(self) -> PagePreparer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
