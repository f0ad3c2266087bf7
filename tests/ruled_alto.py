"""Alto carrying rules of PMSs that have no client yet (PW-01's rule about settings, PX-08's
unsupported features), so that the hub's handling of those declarations is proven through a
real connector and simulator: the hub reads the declarations and nothing else."""

from __future__ import annotations

from dataclasses import replace

import pytest

from repairlink.connectors import REGISTRY
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.pms.profile import Config, ConfigRule, Profile, Unsupported

LEASES = "Leases are not supported by this integration"


def _one_category(config: Config) -> str | None:
    if len(config.get("categories") or []) != 1:
        return "This agency syncs exactly one category of property"
    return None


class RuledAlto(AltoConnector):
    profile = Profile(
        "alto",
        (
            *AltoConnector.profile.rules,
            ConfigRule("PW-01", "categories", _one_category),
            Unsupported("PX-08", "leases", LEASES),
        ),
    )


def use_ruled_alto(monkeypatch: pytest.MonkeyPatch) -> None:
    """The connector registry's Alto is RuledAlto for this test (API, console, runners)."""
    kind = REGISTRY["alto"]
    monkeypatch.setitem(REGISTRY, "alto", replace(kind, build=RuledAlto, profile=RuledAlto.profile))
