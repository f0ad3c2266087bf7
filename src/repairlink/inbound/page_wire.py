"""The writer's side of the page-preparing process (`page_worker`): what is asked of it, what
comes back, and the pipe between them.

Asks go down one pipe, each with a number; answers come up another in whatever order they
are ready (a lane's page may be read before the page the writer asked for first), and a
thread of the writer's process hands each to the ask that waits for it. A read's failure is
sent as its parts (`Failure`), not pickled as it is: an exception is unpickled by calling its
class with its message alone, which would lose a 429's Retry-After.
"""

from __future__ import annotations

import itertools
import multiprocessing
import pickle
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection

from repairlink.pms.connector import (
    FetchError,
    PageParser,
    Reopenable,
    TerminalFetchError,
    TransientFetchError,
)
from repairlink.pms.profile import Config, Profile
from repairlink.pms.streams import RawPage

RECHECK_S = 0.5  # how often the answers' thread looks whether the process is still there
STOP_S = 5.0  # how long a stopping process is given before it is killed
# How long an ask may go unanswered before the run fails (to resume from its checkpoint): far
# beyond a read (hedged, and cut off at the connector's read timeout; its retries are the
# caller's) and the pages made ready before it, so only a process that has stopped answering
# (hung, not dead) meets it.
ANSWER_WITHIN_S = 300.0

GONE = (
    "the process reading and preparing pages stopped (killed, or out of memory); "
    "the run resumes from its last committed page when it runs again"
)
STOPPED = "the run stopped before this page was made ready"

Window = tuple[datetime | None, datetime, str | None]  # since, until, cursor


@dataclass(frozen=True)
class Work:
    """What the preparing process works with: set before the fork, so never pickled."""

    parse: PageParser
    profile: Profile
    config: Config
    region: str
    connector: Reopenable | None  # None: pages come raw (`Ask.raw`)


@dataclass(frozen=True, slots=True)
class Ask:
    """A page to make ready (`raw`), or to read and make ready (`window`), or where to cut a
    stream's window into `cuts` lanes (the connector's `cut_lanes`, with `window`)."""

    stream: str
    rank: tuple[int, int] = (0, 0)  # who is made ready first (`page_worker._Turns`)
    raw: RawPage | None = None
    window: Window | None = None
    cuts: int | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer the reading process has already (a read's failure, a stream's cuts), passed
    on as it is by the preparing process."""

    result: object


@dataclass(frozen=True, slots=True)
class Failure:
    """A read's failure, as its parts."""

    transient: bool
    message: str
    retry_after: float | None
    status: int | None
    unconnected: bool

    def error(self) -> FetchError:
        if self.transient:
            return TransientFetchError(
                self.message,
                retry_after=self.retry_after,
                status=self.status,
                unconnected=self.unconnected,
            )
        return TerminalFetchError(self.message, status=self.status)


def failure_of(exc: BaseException) -> object:
    """What crosses back for a failure: a read's as its parts; anything else (a bug) as itself
    where it survives pickling, else as a RuntimeError saying what it was, with the preparing
    process's traceback as a note."""
    if isinstance(exc, FetchError):
        status = getattr(exc, "pms_status", None)
        if isinstance(exc, TransientFetchError):
            return Failure(True, exc.message, exc.retry_after, status, exc.unconnected)
        return Failure(False, exc.message, None, status, False)
    exc.add_note("in the page-preparing process:\n" + "".join(traceback.format_exception(exc)))
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # what cannot cross is described instead
        described = RuntimeError(f"{type(exc).__name__}: {exc}")
        described.__notes__ = list(getattr(exc, "__notes__", []))
        return described
    return exc


Serve = Callable[[Work, Connection, Connection, int], None]


class Child:
    """The preparing process and, where pages are read apart, the reading process in front
    of it, forked on creation from the calling thread: asks go to the first, answers come
    from the preparing one."""

    def __init__(
        self,
        work: Work,
        parent: int,
        *,
        prepare: Serve,
        read: Serve | None,
        answer_within_s: float = ANSWER_WITHIN_S,
    ) -> None:
        self._answer_within_s = answer_within_s
        context = multiprocessing.get_context("fork")
        inbox, into_preparer = context.Pipe(duplex=False)
        self._answers, answers_in = context.Pipe(duplex=False)
        ends = [(prepare, "page-preparer", inbox, answers_in)]
        if read is None:
            self._asks = into_preparer
        else:
            asks_in, self._asks = context.Pipe(duplex=False)
            ends.append((read, "page-reader", asks_in, into_preparer))
        self._processes = []
        for serve, name, take, give in ends:
            process = context.Process(
                target=serve, args=(work, take, give, parent), name=name, daemon=True
            )
            process.start()
            self._processes.append(process)
        for _, _, take, give in ends:  # the children's ends
            take.close()
            give.close()
        self._lock = threading.Lock()
        self._waiting: dict[int, Future[object]] = {}
        self._idents = itertools.count()
        self._stopped: str | None = None  # why no more pages are made ready
        threading.Thread(target=self._receive, name="page-answers", daemon=True).start()

    def pids(self) -> dict[str, int | None]:
        """Each process's id, by its name (`page-reader`, `page-preparer`)."""
        return {process.name: process.pid for process in self._processes}

    def ask(self, ask: Ask) -> object:
        """The answer (a `PackedPage`, or the cuts); a failure is raised as it was."""
        answer: Future[object] = Future()
        with self._lock:
            if self._stopped is not None:
                raise RuntimeError(self._stopped)
            ident = next(self._idents)
            self._waiting[ident] = answer
            try:
                self._asks.send((ident, ask))
            except OSError as exc:
                del self._waiting[ident]
                raise RuntimeError(GONE) from exc
        try:
            result = answer.result(timeout=self._answer_within_s)
        except TimeoutError as exc:
            with self._lock:
                self._waiting.pop(ident, None)
            raise RuntimeError(
                f"the process reading and preparing pages gave no answer in "
                f"{self._answer_within_s:.0f} s; the run resumes from its last committed page "
                "when it runs again"
            ) from exc
        if isinstance(result, Failure):
            raise result.error()
        if isinstance(result, BaseException):
            raise result
        return result

    def _receive(self) -> None:
        """Hands each answer to its ask; once the process is gone, fails those still waiting."""
        try:
            while True:
                if not self._answers.poll(RECHECK_S):
                    if all(process.is_alive() for process in self._processes):
                        continue
                    break
                ident, result = self._answers.recv()
                with self._lock:
                    answer = self._waiting.pop(ident, None)
                if answer is not None:
                    answer.set_result(result)
        except (EOFError, OSError):
            pass
        finally:
            self._answers.close()
            self._fail_waiting(GONE)

    def _fail_waiting(self, why: str) -> None:
        with self._lock:
            self._stopped = self._stopped or why
            waiting = list(self._waiting.values())
            self._waiting.clear()
        for answer in waiting:
            answer.set_result(RuntimeError(self._stopped))

    def close(self) -> None:
        """Stop the process (what it is reading is not waited for) and fail what waits."""
        with self._lock:
            self._stopped = self._stopped or STOPPED
            if not self._asks.closed:
                try:
                    self._asks.send(None)
                except OSError:  # gone already
                    pass
                self._asks.close()
        within = STOP_S
        for process in reversed(self._processes):  # the reading one first: it tells the next
            process.join(within)
            if process.is_alive():
                process.kill()
                process.join()
            if process.exitcode != 0:  # it died (or was killed) without passing the stop on:
                within = 0.0  # the preparing one waits for an end that never comes
        self._fail_waiting(STOPPED)
