"""Pages fetched ahead of the writer (issue 14, item 9): each stream's pages are downloaded and
made ready by a thread of their own, a few streams at a time, while the engine writes the
pages before them, in the plan's order.

A PMS's pages follow one another (each names the next), so one stream cannot be fetched
faster than its chain; but the streams of a run are independent to read (only their writing
is ordered: parents before children). Reading the next streams while this one is written hides
what faults cost (a 429's Retry-After, a retried 5xx, a stalled read) behind the writing,
instead of adding each to the run. Each stream keeps at most `depth` ready pages waiting, so
memory stays flat; a fetch that fails for good is raised where its page would have been
written, after the pages before it, so checkpoints stay as they were (S-03).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType

from repairlink.inbound.ready_page import ReadyPage

Fetch = Callable[[str, str | None], ReadyPage]  # (stream, cursor) -> the page, made ready
STREAMS_AT_ONCE = 5
DEPTH = 32


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()


class ReadAhead:
    def __init__(
        self,
        fetch: Fetch,
        starts: Sequence[tuple[str, str | None]],  # (stream, cursor to start from), in order
        *,
        streams_at_once: int = STREAMS_AT_ONCE,
        depth: int = DEPTH,
    ) -> None:
        self._fetch = fetch
        self._stop = threading.Event()
        self._queues: dict[str, queue.Queue[object]] = {
            name: queue.Queue(maxsize=depth) for name, _ in starts
        }
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, streams_at_once), thread_name_prefix="read-ahead"
        )
        for name, cursor in starts:  # the pool starts them in this order
            self._pool.submit(self._produce, name, cursor)

    def pages(self, stream: str) -> Iterator[ReadyPage]:
        """The stream's pages in order; raises a fetch's failure where its page would be."""
        waiting = self._queues[stream]
        while True:
            item = waiting.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            assert isinstance(item, ReadyPage)
            yield item

    def waiting(self, stream: str) -> bool:
        """Whether the stream's next page (or its end) is ready to be taken."""
        return not self._queues[stream].empty()

    def _produce(self, stream: str, cursor: str | None) -> None:
        out = self._queues[stream]
        try:
            while not self._stop.is_set():
                page = self._fetch(stream, cursor)
                self._put(out, page)
                cursor = page.next_cursor
                if cursor is None:
                    break
        except BaseException as exc:  # handed to the writer, in its place in the order
            self._put(out, _Failed(exc))
            return
        self._put(out, _END)

    def _put(self, out: queue.Queue[object], item: object) -> None:
        while not self._stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Stop reading ahead; a fetch under way finishes (or times out) on its own."""
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
