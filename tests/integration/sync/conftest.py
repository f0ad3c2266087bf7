"""An Alto simulator per test (tests change upstream data) and an agency connected to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.inbound.run_state import RunState
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.retry import RetryPolicy
from repairlink.simulators.alto import running_alto
from repairlink.simulators.alto.server import RunningAlto
from repairlink.store.tables import external_refs


@pytest.fixture
def alto() -> Iterator[RunningAlto]:
    with running_alto(seed=7, units=60) as sim:
        yield sim


def settings_for(sim: RunningAlto, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": sim.base_url,
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
        "agency_ref": sim.agency_ref,
        **extra,
    }


@pytest.fixture
def connected(app: App, agency_id: int, alto: RunningAlto) -> int:
    connect(app, agency_id, "alto", settings_for(alto))
    return agency_id


def sync(
    app: App,
    agency_id: int,
    *,
    full: bool = False,
    dry_run: bool = False,
    policy: RetryPolicy | None = None,
) -> RunState:
    """A run with the real retry policy, its waits recorded rather than slept."""
    policy = policy or RetryPolicy(sleep=lambda _seconds: None)
    return run_sync(app, agency_id, "alto", full=full, dry_run=dry_run, retry=policy)


def held(app: App, agency_id: int, kind: str, system: str = "alto") -> dict[str, int]:
    """Alto id (or `system`'s) -> our id, for the records of `kind` that carry its reference."""
    ref = external_refs.c
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(ref.external_id, ref.entity_id).where(
                ref.agency_id == agency_id, ref.system == system, ref.entity_kind == kind
            )
        )
        return {r.external_id: r.entity_id for r in rows}


def pull(sim: RunningAlto, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of an Alto list, straight from the simulator."""
    token_param = "nextToken" if path in ("/suppliers", "/inventory") else "next-token"
    items: list[dict[str, Any]] = []
    token = None
    with sim.client() as api:
        while True:
            query = {**params, **({token_param: token} if token else {})}
            body = api.get(path, params=query).json()
            items += body["items"]
            token = body["meta"]["nextToken"]
            if not token:
                return items


def row(app: App, table: sa.Table, record_id: int) -> dict[str, Any]:
    with app.engine.connect() as conn:
        return dict(conn.execute(sa.select(table).where(table.c.id == record_id)).mappings().one())


def snapshot(app: App, agency_id: int) -> set[tuple[str, str, str, bool | None]]:
    """What a run left behind: every Alto reference, with the occupier or unit it names."""
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT r.entity_kind, r.external_id, "
                "COALESCE(o.email, u.address_key, ''), o.archived_at IS NULL FROM external_refs r "
                "LEFT JOIN occupiers o ON r.entity_kind = 'occupier' AND o.id = r.entity_id "
                "LEFT JOIN units u ON r.entity_kind = 'unit' AND u.id = r.entity_id "
                "WHERE r.agency_id = :a AND r.system = 'alto'"
            ),
            {"a": agency_id},
        )
        return {(kind, ext, str(value), active) for kind, ext, value, active in rows}
