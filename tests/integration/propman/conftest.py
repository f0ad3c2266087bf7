"""A Propman simulator per test (tests change upstream data), an agency connected to it, and
the API as that agency's staff."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from repairlink.api.app import create_app
from repairlink.bootstrap import App
from repairlink.inbound.run_state import RunState
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.profile import Schedule
from repairlink.pms.retry import RetryPolicy
from repairlink.simulators.propman import RunningPropman, running_propman
from repairlink.store.tables import external_refs
from tests.integration.api.conftest import Client, login_client


@pytest.fixture
def propman() -> Iterator[RunningPropman]:
    with running_propman(seed=11, units=60) as sim:
        yield sim


def settings_for(sim: RunningPropman, **extra: Any) -> dict[str, Any]:
    return {"base_url": sim.base_url, "api_key": sim.api_key, **extra}


@pytest.fixture
def connected(app: App, agency_id: int, propman: RunningPropman) -> int:
    connect(app, agency_id, "propman", settings_for(propman))
    return agency_id


@pytest.fixture
def staff(app: App, connected: int) -> Iterator[Client]:
    with TestClient(create_app(app)) as http:
        yield login_client(app, http, connected)


def sync(
    app: App, agency_id: int, *, full: bool = False, schedule: Schedule | None = None
) -> RunState:
    no_wait = RetryPolicy(sleep=lambda _seconds: None)
    return run_sync(app, agency_id, "propman", full=full, schedule=schedule, retry=no_wait)


def held(app: App, agency_id: int, kind: str) -> dict[str, int]:
    """Propman reference -> our id, for the records of `kind` that carry one."""
    ref = external_refs.c
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(ref.external_id, ref.entity_id).where(
                ref.agency_id == agency_id, ref.system == "propman", ref.entity_kind == kind
            )
        )
        return {r.external_id: r.entity_id for r in rows}


def rows(app: App, table: sa.Table, agency_id: int) -> dict[int, dict[str, Any]]:
    with app.engine.connect() as conn:
        found = conn.execute(sa.select(table).where(table.c.agency_id == agency_id)).mappings()
        return {r["id"]: dict(r) for r in found}


def pull(sim: RunningPropman, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a Propman list, straight from the simulator."""
    items: list[dict[str, Any]] = []
    with sim.client() as api:
        while True:
            body = api.get(path, params={**params, "offset": len(items), "limit": 500}).json()
            items += body["items"]
            if len(items) >= body["total"] or not body["items"]:
                return items


def sim_id(sim: RunningPropman, kind: str, reference: str) -> int:
    """The simulator's id (its admin API's) of the record with this Propman reference."""
    return next(int(i["id"]) for i in pull(sim, f"/{kind}") if i["reference"] == reference)
