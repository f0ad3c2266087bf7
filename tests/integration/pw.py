"""Propertyware for the integration tests: the simulator, the settings of a connection to it
(its first portfolio), and runs of its schedules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from repairlink.bootstrap import App
from repairlink.connectors.propertyware.profile import PROFILE
from repairlink.inbound.run_state import RunState
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.profile import Schedule
from repairlink.pms.retry import RetryPolicy
from repairlink.simulators.propertyware import RunningPropertyware, running_propertyware
from tests.integration.sync.conftest import held

SYSTEM = "propertyware"


def schedule(rule: str) -> Schedule:
    """Propertyware's schedule declared under `rule` (PW-02, PW-03, PW-05)."""
    (found,) = [s for s in PROFILE.of(Schedule) if s.rule == rule]
    return found


@pytest.fixture
def pw() -> Iterator[RunningPropertyware]:
    """A Propertyware simulator of the test's own (tests change upstream data); a fixture of
    tests/integration/conftest.py."""
    with running_propertyware(seed=7, units=40) as sim:
        yield sim


def pw_settings(sim: RunningPropertyware, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": sim.base_url,
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
        "system_id": sim.system_id,
        "locations": [sim.portfolio_id(1)],
        "account_email": sim.account_email,
        **extra,
    }


def connect_pw(app: App, agency_id: int, sim: RunningPropertyware) -> int:
    connect(app, agency_id, SYSTEM, pw_settings(sim))
    return agency_id


def run_pw(
    app: App, agency_id: int, rule: str | None = None, *, full: bool = False, dry_run: bool = False
) -> RunState:
    """A run of the schedule declared under `rule` (None: a run of everything), the real retry
    policy with its waits recorded rather than slept."""
    no_wait = RetryPolicy(sleep=lambda _s: None)
    return run_sync(
        app,
        agency_id,
        SYSTEM,
        schedule=schedule(rule) if rule else None,
        full=full,
        dry_run=dry_run,
        retry=no_wait,
    )


def pull(sim: RunningPropertyware, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a Propertyware list, straight from the simulator."""
    items: list[dict[str, Any]] = []
    with sim.client() as api:
        while True:
            response = api.get(path, params={**params, "offset": len(items), "limit": 500})
            items += response.json()
            if len(items) >= int(response.headers["X-Total-Count"]):
                return items


def dropped_one(app: App, agency_id: int, sim: RunningPropertyware) -> tuple[dict[str, int], str]:
    """A full sync, then Propertyware drops the unit with the lowest id: answers what we held
    (Propertyware id -> our id) and the dropped unit's Propertyware id."""
    run_pw(app, agency_id, full=True)
    ours = held(app, agency_id, "unit", SYSTEM)
    gone_ext = min(ours)
    sim.admin("DELETE", f"units/{gone_ext}")
    return ours, gone_ext
