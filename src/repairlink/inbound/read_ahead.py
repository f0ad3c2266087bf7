"""Pages fetched ahead of the writer (issue 14, item 9): each stream's pages are asked for
(read and made ready in the page processes, `page_worker`) by a thread of their own, a few
streams at a time, while the engine writes the pages before them, in the plan's order.

A PMS's pages follow one another (each names the next), so one stream cannot be fetched
faster than its chain; but the streams of a run are independent to read (only their writing
is ordered: parents before children). Reading the next streams while this one is written hides
what faults cost (a 429's Retry-After, a retried 5xx, a stalled read) behind the writing,
instead of adding each to the run. Pages wait as the pickled bytes the preparing process
sends (`PackedPage`), at most `bytes_ahead` of them per stream (and always one page), and
become objects only when the writer takes them: 32 ready pages of 500 records held as
objects on five streams took a 100k-unit sync from some 210 MB to 440. A fetch that fails
for good is raised where its page would have been written, after the pages before it, so
checkpoints stay as they were (S-03).

A stream may be read as several lanes at once (`inbound/lanes.py`): `lanes` answers, from the
stream and its starting cursor, the first cursor of each (it may ask the PMS where to cut),
each lane is fetched by a thread of its own up to where the next begins, and the writer takes
the lanes in order. The stream's byte bound is shared out among its lanes.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from types import TracebackType

from repairlink.inbound.ready_page import PackedPage, ReadyPage

Fetch = Callable[[str, str | None], PackedPage]  # (stream, cursor) -> the page, made ready
# (stream, its starting cursor) -> the first cursor of each lane it is read as, in order
Lanes = Callable[[str, str | None], list[str | None]]
STREAMS_AT_ONCE = 5
# per stream: some 30 pages of Alto's 100 records, 10 of Propman's 500 (5 MB of LZ4's pages
# hold as many as 4 MB of zlib's did)
BYTES_AHEAD = 5 << 20


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()


class _Waiting:
    """One stream's pages waiting for the writer: at most `limit` bytes, but always one page
    (a page larger than the bound still goes through, alone)."""

    def __init__(self, limit: int, stop: threading.Event) -> None:
        self._limit = limit
        self._stop = stop
        self._items: deque[tuple[object, int]] = deque()
        self._held = 0
        self._changed = threading.Condition()

    def put(self, item: object, weight: int) -> None:
        with self._changed:
            while self._items and self._held + weight > self._limit:
                if self._stop.is_set():
                    return
                self._changed.wait(0.1)
            self._items.append((item, weight))
            self._held += weight
            self._changed.notify_all()

    def ready(self) -> bool:
        with self._changed:
            return bool(self._items)

    def get(self) -> object:
        with self._changed:
            while not self._items:
                if self._stop.is_set():
                    return _END
                self._changed.wait(0.1)
            item, weight = self._items.popleft()
            self._held -= weight
            self._changed.notify_all()
            return item


class _StreamLanes:
    """One stream's lanes' waiting pages, known once its first thread has cut the stream; the
    writer's lane is the one it is at."""

    def __init__(self, stop: threading.Event) -> None:
        self._stop = stop
        self._lanes: list[_Waiting] | None = None
        self._at = 0  # moved on only by the thread that opens pages
        self._known = threading.Condition()

    def set(self, lanes: list[_Waiting]) -> None:
        with self._known:
            self._lanes = lanes
            self._known.notify_all()

    def current(self) -> _Waiting | None:
        """The lane the writer is at (None: every lane is done, or reading stopped)."""
        with self._known:
            while self._lanes is None:
                if self._stop.is_set():
                    return None
                self._known.wait(0.1)
            return self._lanes[self._at] if self._at < len(self._lanes) else None

    def advance(self) -> None:
        self._at += 1

    def ready(self) -> bool:
        with self._known:
            lanes, at = self._lanes, self._at
        return lanes is not None and at < len(lanes) and lanes[at].ready()


class ReadAhead:
    def __init__(
        self,
        fetch: Fetch,
        starts: Sequence[tuple[str, str | None]],  # (stream, cursor to start from), in order
        *,
        lanes: Lanes = lambda _stream, cursor: [cursor],
        streams_at_once: int = STREAMS_AT_ONCE,
        bytes_ahead: int = BYTES_AHEAD,
    ) -> None:
        self._fetch = fetch
        self._lanes = lanes
        self._bytes_ahead = bytes_ahead
        self._stop = threading.Event()
        self._streams = {name: _StreamLanes(self._stop) for name, _ in starts}
        self._following: dict[str, Future[ReadyPage | None]] = {}  # each stream's next page
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, streams_at_once), thread_name_prefix="read-ahead"
        )
        for name, cursor in starts:  # the pool starts them in this order
            self._pool.submit(self._read_stream, name, cursor)
        # makes the next page objects while the writer writes this one: unpickling holds the
        # interpreter, but the writer lets go of it while SQLite works
        self._opener = ThreadPoolExecutor(max_workers=1, thread_name_prefix="open-page")

    def pages(self, stream: str) -> Iterator[ReadyPage]:
        """The stream's pages in order; raises a fetch's failure where its page would be."""
        lanes = self._streams[stream]
        following = self._following[stream] = self._opener.submit(self._open_next, lanes)
        while True:
            page = following.result()
            if page is None:
                return
            following = self._following[stream] = self._opener.submit(self._open_next, lanes)
            yield page

    @staticmethod
    def _open_next(lanes: _StreamLanes) -> ReadyPage | None:
        while (waiting := lanes.current()) is not None:
            item = waiting.get()
            if item is _END:
                lanes.advance()  # this lane is done: on to the next
                continue
            if isinstance(item, _Failed):
                raise item.error
            assert isinstance(item, PackedPage)
            return item.open()
        return None

    def waiting(self, stream: str, within_s: float = 0.0) -> bool:
        """Whether the stream's next page (or its end, or its failure) is ready to be taken,
        waiting up to `within_s` for it once the stream's pages are being taken."""
        following = self._following.get(stream)
        if following is not None and within_s > 0:
            wait([following], timeout=within_s)
        return (following is not None and following.done()) or self._streams[stream].ready()

    def _read_stream(self, stream: str, cursor: str | None) -> None:
        """Cut the stream into its lanes; read the first here and each other in a thread."""
        try:
            starts = self._lanes(stream, cursor)
        except BaseException as exc:  # handed to the writer, where the stream's pages would be
            failed = _Waiting(self._bytes_ahead, self._stop)
            failed.put(_Failed(exc), 0)
            self._streams[stream].set([failed])
            return
        bound = max(1, self._bytes_ahead // len(starts))
        outs = [_Waiting(bound, self._stop) for _ in starts]
        self._streams[stream].set(outs)
        ends = [*starts[1:], None]  # a lane ends where the next one starts
        for start, end, out in list(zip(starts, ends, outs, strict=True))[1:]:
            name = f"read-ahead-{stream}"
            args = (stream, start, end, out)
            try:
                threading.Thread(target=self._produce, args=args, name=name, daemon=True).start()
            except BaseException as exc:  # no thread (a limit on threads): the lane fails in
                out.put(_Failed(exc), 0)  # its place, not waited for for ever
        self._produce(stream, starts[0], ends[0], outs[0])

    def _produce(self, stream: str, cursor: str | None, end: str | None, out: _Waiting) -> None:
        try:
            while not self._stop.is_set():
                page = self._fetch(stream, cursor)
                out.put(page, len(page.data))
                cursor = page.next_cursor
                if cursor == end or cursor is None:
                    break
        except BaseException as exc:  # handed to the writer, in its place in the order
            out.put(_Failed(exc), 0)
            return
        out.put(_END, 0)

    def close(self) -> None:
        """Stop reading ahead; a fetch under way finishes (or times out) on its own."""
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._opener.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
