"""Propertyware's units read in lanes (PW-02's full sync): an offset chain is one page after
another, so a large portfolio's units are read as several chains at once, cut where the
simulator's `X-Total-Count` says the records divide evenly. Every unit arrives, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors.propertyware.config import PropertywareConfig
from repairlink.connectors.propertyware.connector import PropertywareConnector
from repairlink.jobs.sync_run import connect
from repairlink.simulators.propertyware import RunningPropertyware, running_propertyware
from repairlink.store.tables import external_refs, units
from tests.integration.pw import SYSTEM, pull, pw_settings, run_pw
from tests.integration.sync.conftest import held

PAGE = 20  # records a page: a few hundred units make several lanes of pages


@pytest.fixture
def pw() -> Iterator[RunningPropertyware]:
    """Larger than the other tests' (a sampled page holds 50 units: more are cut)."""
    with running_propertyware(seed=7, units=400) as sim:
        yield sim


def test_pw_02_a_full_sync_read_in_lanes_takes_every_unit_once(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    settings = pw_settings(pw, page_size=PAGE)
    connector = PropertywareConnector(PropertywareConfig.model_validate(settings))
    try:
        cuts = connector.cut_lanes("units", since=None, until=datetime.now(UTC), lanes=8)
    finally:
        connector.close()
    assert cuts == sorted(cuts)
    assert len(cuts) >= 2  # three lanes or more at this size
    connect(app, agency_id, SYSTEM, settings)

    run = run_pw(app, agency_id, "PW-02")

    portfolio = pw.portfolio_id(1)
    listed = pull(pw, "/units", includeDeactivated="true")
    active = {str(u["id"]) for u in listed if u["portfolioID"] == portfolio and u["active"]}
    assert set(held(app, agency_id, "unit", SYSTEM)) == active
    ref = external_refs.c
    with app.engine.connect() as conn:
        refs = conn.execute(
            sa.select(sa.func.count()).where(
                ref.agency_id == agency_id, ref.system == SYSTEM, ref.entity_kind == "unit"
            )
        ).scalar_one()
        ours = conn.execute(
            sa.select(sa.func.count()).where(units.c.agency_id == agency_id)
        ).scalar_one()
    assert refs == ours == len(active)  # none twice
    assert run.counts["unit"]["created"] == len(active)
