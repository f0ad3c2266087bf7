"""Pages fetched ahead of the writer (issue 14, item 9): each stream's pages are downloaded and
made ready by a thread of their own, a few streams at a time, while the engine writes the
pages before them, in the plan's order.

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
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType

from repairlink.inbound.ready_page import PackedPage, ReadyPage

Fetch = Callable[[str, str | None], PackedPage]  # (stream, cursor) -> the page, made ready
STREAMS_AT_ONCE = 5
BYTES_AHEAD = 4 << 20  # per stream: some 30 pages of Alto's 100 records, 10 of Propman's 500


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


class ReadAhead:
    def __init__(
        self,
        fetch: Fetch,
        starts: Sequence[tuple[str, str | None]],  # (stream, cursor to start from), in order
        *,
        streams_at_once: int = STREAMS_AT_ONCE,
        bytes_ahead: int = BYTES_AHEAD,
    ) -> None:
        self._fetch = fetch
        self._stop = threading.Event()
        self._waiting = {name: _Waiting(bytes_ahead, self._stop) for name, _ in starts}
        self._following: dict[str, Future[ReadyPage | None]] = {}  # each stream's next page
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, streams_at_once), thread_name_prefix="read-ahead"
        )
        for name, cursor in starts:  # the pool starts them in this order
            self._pool.submit(self._produce, name, cursor)
        # makes the next page objects while the writer writes this one: unpickling holds the
        # interpreter, but the writer lets go of it while SQLite works
        self._opener = ThreadPoolExecutor(max_workers=1, thread_name_prefix="open-page")

    def pages(self, stream: str) -> Iterator[ReadyPage]:
        """The stream's pages in order; raises a fetch's failure where its page would be."""
        waiting = self._waiting[stream]
        following = self._following[stream] = self._opener.submit(self._open_next, waiting)
        while True:
            page = following.result()
            if page is None:
                return
            following = self._following[stream] = self._opener.submit(self._open_next, waiting)
            yield page

    @staticmethod
    def _open_next(waiting: _Waiting) -> ReadyPage | None:
        item = waiting.get()
        if item is _END:
            return None
        if isinstance(item, _Failed):
            raise item.error
        assert isinstance(item, PackedPage)
        return item.open()

    def waiting(self, stream: str) -> bool:
        """Whether the stream's next page (or its end) is ready to be taken."""
        following = self._following.get(stream)
        return (following is not None and following.done()) or self._waiting[stream].ready()

    def _produce(self, stream: str, cursor: str | None) -> None:
        out = self._waiting[stream]
        try:
            while not self._stop.is_set():
                page = self._fetch(stream, cursor)
                out.put(page, len(page.data))
                cursor = page.next_cursor
                if cursor is None:
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
