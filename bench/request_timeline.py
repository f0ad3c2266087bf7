"""A timeline of a sync's requests to its PMS, for finding where a run's seconds go.

    with recorded_requests() as timeline:
        run_sync(...)
    write_timeline(timeline, path)

Wraps `PmsHttp.request` for the duration (a diagnostic in a bench, never in the product): each
request's path, page (its cursor), start and end (seconds since the first request) and
outcome (the status, or the failure's class), hedged second asks included.
"""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from repairlink.pms.connector import FetchError
from repairlink.pms.http import PmsHttp

CURSOR_PARAMS = ("next-token", "nextToken", "offset")


@dataclass
class Request:
    path: str
    page: str
    start: float
    end: float
    outcome: str


@dataclass
class Timeline:
    requests: list[Request]
    lock: threading.Lock


def _page_of(kwargs: dict[str, Any]) -> str:
    params = kwargs.get("params") or {}
    since = params.get("modified-from", "")  # a lane's pages share its lower bound
    for name in CURSOR_PARAMS:
        if name in params:
            return f"{since}|{params[name]}"
    return f"{since}|first"


@contextmanager
def recorded_requests() -> Iterator[Timeline]:
    timeline = Timeline([], threading.Lock())
    plain = PmsHttp.request

    def request(self: PmsHttp, method: str, path: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        outcome = "?"
        try:
            response = plain(self, method, path, **kwargs)
            outcome = str(response.status_code)
            return response
        except FetchError as exc:
            outcome = str(getattr(exc, "pms_status", None) or type(exc).__name__)
            raise
        finally:
            with timeline.lock:
                timeline.requests.append(
                    Request(path, _page_of(kwargs), started, time.perf_counter(), outcome)
                )

    PmsHttp.request = request  # type: ignore[method-assign]
    try:
        yield timeline
    finally:
        PmsHttp.request = plain  # type: ignore[method-assign]


def write_timeline(timeline: Timeline, path: Path) -> None:
    rows = sorted(timeline.requests, key=lambda r: r.start)
    origin = rows[0].start if rows else 0.0
    numbers: dict[tuple[str, str], int] = {}
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("path", "lane_from", "page_no", "start_s", "end_s", "took_s", "outcome"))
        for row in rows:
            number = numbers.setdefault(
                (row.path, row.page), sum(1 for key in numbers if key[0] == row.path)
            )
            writer.writerow(
                (
                    row.path,
                    row.page.split("|")[0][:19],
                    number,
                    f"{row.start - origin:.3f}",
                    f"{row.end - origin:.3f}",
                    f"{row.end - row.start:.3f}",
                    row.outcome,
                )
            )
