"""A create the PMS refused before it could act on it (429, 503) made nothing, so its retry
creates the work order without first asking the PMS for one (`find_work_order`): one request
fewer, and still no duplicate. A failure that may have reached the PMS (a 500) still asks. The
same holds for the canary that finds a PMS back after an outage of 503s, and for the rest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from repairlink.jobs.channels import Channels
from repairlink.jobs.recovery import Prober
from tests.integration.outbound.conftest import Clock, Synced, send_due
from tests.integration.outbound.issues_in_alto import instruct, reported


def _retry_after_failed_create(synced: Synced, channels: Channels, kind: str) -> dict[str, Any]:
    """Instruct an issue while Alto fails its create with `kind`, then retry: answers the
    simulator's request counts for the retry alone."""
    synced.sim.admin("POST", "faults/fail-next", {"count": 1, "kind": kind, "path": "/work-orders"})
    instruct(synced, reported(synced, f"Create met {kind}"))
    clock = Clock()
    send_due(synced.app, channels, clock)
    assert synced.admin("work-orders") == []
    synced.sim.admin("POST", "stats/reset")
    clock.now += timedelta(hours=1)
    send_due(synced.app, channels, clock)
    stats: dict[str, Any] = synced.sim.admin("GET", "stats")
    return stats


@pytest.mark.parametrize("kind", ["503", "429"])
def test_a_refused_create_is_retried_without_looking_for_it(
    synced: Synced, channels: Channels, kind: str
) -> None:
    stats = _retry_after_failed_create(synced, channels, kind)

    assert len(synced.admin("work-orders")) == 1  # no duplicate
    assert stats["total"] == 1  # the create alone: no GET of the property's work orders
    assert list(stats["by_endpoint"]) == ["POST /work-orders"]


def test_a_create_that_may_have_reached_alto_is_looked_for_first(
    synced: Synced, channels: Channels
) -> None:
    stats = _retry_after_failed_create(synced, channels, "500")

    assert len(synced.admin("work-orders")) == 1
    assert stats["total"] == 2  # the search for what the failed create may have made, then it


def test_after_an_outage_of_503s_the_recovery_canary_and_the_rest_create_without_looking(
    synced: Synced, channels: Channels
) -> None:
    synced.sim.admin("PUT", "outage", {"status": 503, "retry_after": 30})
    for n in range(3):
        instruct(synced, reported(synced, f"Outage {n}"))
    clock = Clock()
    send_due(synced.app, channels, clock)
    prober = Prober(synced.app, channels, worker="probe")
    clock.now += timedelta(seconds=2)
    assert prober.probe_due(clock) == 0  # still down: the canary is refused too

    synced.sim.admin("DELETE", "outage")
    synced.sim.admin("POST", "stats/reset")
    clock.now += timedelta(seconds=2)
    assert prober.probe_due(clock) == 1
    send_due(synced.app, channels, clock)

    stats = synced.sim.admin("GET", "stats")
    assert len(synced.admin("work-orders")) == 3
    assert stats["by_endpoint"] == {"POST /work-orders": 3}  # no GET before any create
