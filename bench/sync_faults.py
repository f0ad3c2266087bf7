"""Benchmark: a full Alto sync under 10% injected faults against the same sync clean (issue 14,
item 9).

    uv run python -m bench.sync_faults [--units 5000] [--runs 1] [--timeline DIR]

One simulator process serves two agencies' syncs of the same portfolio, each with a 5 s read
timeout: first clean, then with faults drawn on one data request in ten (a third each: 429 with
Retry-After 1 s, a 500/502/503, an 8 s stall). Prints the wall times, their ratio (target
<= 2) and whether both agencies hold the same data: every synced table's rows compared on
their own columns (not ids or times), and the runs' counts per kind. The faults counted are
the faulty sync's own (the simulator's counters are reset before it). `--timeline DIR`
writes each sync's requests (path, page, start, end, outcome) as CSV, to see where the
faulty run's extra seconds go.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from bench import migrated_app, scratch
from bench.request_timeline import recorded_requests, write_timeline
from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.inbound.run_state import RunState
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.services import agencies
from repairlink.simulators.alto.process import alto_process
from repairlink.simulators.alto.state import (
    DEFAULT_AGENCY_REF,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
)
from repairlink.store import tables

READ_TIMEOUT_S = 5.0
FAULTS = {
    "rate_429": 0.034,
    "rate_5xx": 0.033,
    "rate_timeout": 0.033,
    "retry_after": 1,
    "timeout_seconds": 8,
    "seed": 14,
}
COMPARED = ("estates", "buildings", "units", "occupiers", "landlords", "contractors", "tenancies")


def _synced(app: App, base: str, name: str, timeline: Path | None) -> tuple[int, RunState, float]:
    agency = agencies.create_agency(
        app.uow(Actor.system("bench")), name=name, slug=f"{name.lower()}-{time.time_ns()}"
    )
    settings = {
        "base_url": base,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "agency_ref": DEFAULT_AGENCY_REF,
        "timeout_s": READ_TIMEOUT_S,
    }
    connect(app, agency.id, "alto", settings)
    with recorded_requests() as requests:
        started = time.perf_counter()
        state = run_sync(app, agency.id, "alto", full=True)
        took = time.perf_counter() - started
    if timeline is not None:
        write_timeline(requests, timeline / f"{name.lower()}-{time.time_ns()}.csv")
    return agency.id, state, took


def _content(app: App, agency_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Each compared table's rows, on the columns that are the records' own."""
    held: dict[str, list[tuple[Any, ...]]] = {}
    with app.engine.connect() as conn:
        for name in COMPARED:
            table = tables.metadata.tables[name]
            own = [
                c
                for c in table.columns
                if not (c.name == "id" or c.name.endswith("_id") or c.name.endswith("_at"))
            ]
            rows = conn.execute(sa.select(*own).where(table.c.agency_id == agency_id)).all()
            held[name] = sorted(tuple(map(repr, row)) for row in rows)
    return held


def _faults(base: str, settings: dict[str, Any]) -> dict[str, Any]:
    response = httpx.put(f"{base}/_admin/faults", json=settings, timeout=30)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def once(base: str, workdir: Path, timeline: Path | None) -> dict[str, float]:
    app = migrated_app(workdir, name=f"faults-{time.time_ns()}.db")
    try:
        _faults(base, {"rate_429": 0, "rate_5xx": 0, "rate_timeout": 0})
        clean_id, clean, clean_s = _synced(app, base, "Clean", timeline)
        _faults(base, FAULTS)  # the fault sequence restarts from its seed
        # the counters are the simulator's since it started: count this run's faults only
        httpx.post(f"{base}/_admin/stats/reset", timeout=30).raise_for_status()
        faulty_id, faulty, faulty_s = _synced(app, base, "Faulty", timeline)
        injected = _faults(base, {"rate_429": 0, "rate_5xx": 0, "rate_timeout": 0})["injected"]
        same = _content(app, clean_id) == _content(app, faulty_id)
        same_counts = clean.counts == faulty.counts
    finally:
        app.close()
    records = sum(sum(kinds.values()) for kinds in clean.counts.values())
    return {
        "records": records,
        "clean_s": clean_s,
        "faulty_s": faulty_s,
        "ratio": faulty_s / clean_s,
        "identical_data": float(same and same_counts),
        **{f"injected_{kind}": float(n) for kind, n in sorted(injected.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeline", type=Path, help="a directory for each sync's requests")
    args = parser.parse_args()
    workdir = scratch("repairlink-bench-faults-")
    with alto_process(seed=1, units=args.units, args=("--prerender",)) as base:
        for run in range(1, args.runs + 1):
            for name, value in once(base, workdir, args.timeline).items():
                print(f"run{run}_{name}: {value:g}", flush=True)


if __name__ == "__main__":
    main()
