"""Run-level mechanisms that PMSs without a client yet declare (PX-01's look-back-only runs),
carried by Alto over HTTP: the engine reads the declarations and nothing else, whatever the
PMS. PW-06's create-only fields are proved with Propertyware's own connector
(test_propertyware_inbound.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.pms.profile import Declaration, Profile, Schedule
from repairlink.simulators.alto.server import RunningAlto
from tests.integration.sync.conftest import held, pull, sync

EVERYTHING = ("unit", "landlord", "unit_landlord", "contractor", "occupier", "tenancy")


def _alto_with(monkeypatch: pytest.MonkeyPatch, *rules: Declaration, drop: type) -> None:
    """The registry's Alto, its declarations of type `drop` replaced by `rules`."""

    class Carrying(AltoConnector):
        profile = Profile(
            "alto",
            (*(r for r in AltoConnector.profile.rules if not isinstance(r, drop)), *rules),
        )

    kind = REGISTRY["alto"]
    monkeypatch.setitem(REGISTRY, "alto", replace(kind, build=Carrying, profile=Carrying.profile))


def test_a_pms_with_no_initial_sync_reads_only_its_look_back_window(
    app: App, connected: int, alto: RunningAlto, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mechanism behind PX-01: the first run, like every run, reads the last 72 hours;
    records changed before that never arrive by it."""
    look_back = Schedule(
        "PX-01",
        EVERYTHING,
        every=timedelta(hours=1),
        lookback=timedelta(hours=72),
        initial_full=False,
    )
    _alto_with(monkeypatch, look_back, drop=Schedule)
    synced = [
        i
        for i in pull(alto, "/inventory/filter", **{"max-results": 250})
        if i["recordType"] == "Rent"
        and i["managementType"] in ("Managed", "PartManaged")
        and i["maintenanceType"] == "MaintainedByUs"
    ]
    recent = synced[0]["inventoryId"]
    alto.admin("PATCH", f"inventory/{recent}", {"town": "Recently Changed"})
    run = sync(app, connected)
    assert run.window_from is not None
    assert run.window_to - run.window_from == timedelta(hours=72)
    assert list(held(app, connected, "unit")) == [recent]
