"""A create the PMS refused before it could act on it (429, 503) made nothing, so its retry
creates the work order without first asking the PMS for one (`find_work_order`): one request
fewer, and still no duplicate. A failure that may have reached the PMS (a 500) still asks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from repairlink.jobs.channels import Channels
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
