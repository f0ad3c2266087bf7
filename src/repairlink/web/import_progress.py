"""A CSV import that shows its progress (PW-07: "a 10,000-row file imports in seconds with a
progress indicator"): the import runs in a thread beside the request, which streams the page
(`render.streamed_page`) with a progress bar for each thousand rows checked, then added, and
the result at the end. Nothing is kept between requests: the bar is the import's own answer
arriving, so it works behind several machines and without JavaScript."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from repairlink.errors import RepairlinkError
from repairlink.services.people_import import ImportReport, Progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    stage: str  # "checked" or "added"
    done: int
    total: int


Event = Step | ImportReport | BaseException


class ImportRun:
    """The import, started at once in a thread. Construction waits for its first news: an
    error raised before any row is checked (a file that is not UTF-8) is raised here, to be
    answered as any other; a file whose header is wrong answers its report at once."""

    def __init__(self, work: Callable[[Progress], ImportReport]) -> None:
        self._events: queue.Queue[Event] = queue.Queue()
        self.report: ImportReport | None = None
        self.failure = ""  # why it stopped, in words, once the steps are done
        threading.Thread(target=self._run, args=(work,), name="people-import", daemon=True).start()
        self._first = self._events.get()
        if isinstance(self._first, BaseException):
            raise self._first
        if isinstance(self._first, ImportReport):
            self.report = self._first

    @property
    def finished(self) -> bool:
        return self.report is not None

    def steps(self) -> Iterator[Step]:
        """Each step as the import reaches it; when they end, `report` (or `failure`) is set."""
        event = self._first
        while isinstance(event, Step):
            yield event
            event = self._events.get()
        if isinstance(event, ImportReport):
            self.report = event
        elif isinstance(event, RepairlinkError):
            self.failure = event.message
        else:
            self.failure = "The import stopped on an error; nothing was added. Try again."

    def _run(self, work: Callable[[Progress], ImportReport]) -> None:
        try:
            self._events.put(work(lambda *step: self._events.put(Step(*step))))
        except BaseException as exc:  # handed to the request, which answers it
            if not isinstance(exc, RepairlinkError):
                log.exception("people import failed")
            self._events.put(exc)
