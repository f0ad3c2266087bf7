"""Pages read ahead: a client reads its PMS's next pages in a thread while it pushes the page
before to Repairlink, at most `depth` pages ahead (so a slow Repairlink holds the reading
back, and memory stays bounded)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar, cast

T = TypeVar("T")
_END = object()


def read_ahead(pages: Iterator[T], depth: int) -> Iterator[T]:
    """`pages` as they come, read up to `depth` ahead in a thread; an error reading them is
    raised here, where the page would have been; stopping early stops the reading."""
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item: object) -> bool:
        """Queued, unless the consuming side has stopped meanwhile."""
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def reader() -> None:
        try:
            for page in pages:
                if not hand_over(page):
                    return
            hand_over(_END)
        except BaseException as exc:  # raised on the consuming side
            hand_over(exc)

    thread = threading.Thread(target=reader, name="pms-read-ahead", daemon=True)
    thread.start()
    try:
        while (got := ready.get()) is not _END:
            if isinstance(got, BaseException):
                raise got
            yield cast(T, got)
    finally:
        stop.set()
        thread.join()
