"""An agency synced from its own Alto simulator, so its units, contractors and tenants carry
Alto references, and a sender that delivers what is due, as the runners do."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.jobs.channels import Channels
from repairlink.jobs.dispatch import deliver_all_due
from repairlink.jobs.sync_run import connect
from repairlink.outbound.ledger import utcnow
from repairlink.simulators.alto import running_alto
from repairlink.simulators.alto.server import RunningAlto
from repairlink.store.outbound_tables import deliveries
from tests.integration.sync.conftest import held, settings_for, sync


@pytest.fixture
def alto() -> Iterator[RunningAlto]:
    with running_alto(seed=11, units=40) as sim:
        yield sim


@dataclass
class Synced:
    app: App
    agency_id: int
    sim: RunningAlto

    def refs(self, kind: str) -> dict[str, int]:
        return held(self.app, self.agency_id, kind)

    def admin(self, what: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.sim.admin("GET", what)["items"]
        return items


@pytest.fixture
def synced(app: App, agency_id: int, alto: RunningAlto) -> Synced:
    connect(app, agency_id, "alto", settings_for(alto))
    sync(app, agency_id, full=True)
    return Synced(app, agency_id, alto)


@pytest.fixture
def loopback_app(app: App) -> App:
    """The same database, with webhooks to 127.0.0.1 allowed (the receivers in tests)."""
    settings = app.settings.model_copy(update={"webhooks_allow_private": True})
    return replace(app, settings=settings, event_listeners=[])


@pytest.fixture
def channels(loopback_app: App) -> Iterator[Channels]:
    made = Channels(loopback_app)
    yield made
    made.close()


def send_due(app: App, channels: Channels, clock: Any = utcnow) -> int:
    """Deliver everything due now, as a runner's round does."""
    return deliver_all_due(app, channels, worker="test", clock=clock)


def states(app: App, agency_id: int) -> list[tuple[str, str, str]]:
    d = deliveries.c
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(d.channel, d.state, d.note).where(d.agency_id == agency_id).order_by(d.id)
        )
        return [(r.channel, r.state, r.note or "") for r in rows]


class Clock:
    """A clock the test moves by hand: retries fall due without waiting."""

    def __init__(self) -> None:
        self.now: datetime = utcnow()

    def __call__(self) -> datetime:
        return self.now
