"""What a connector's profile says about settings and unsupported features reaches the agency
through the API: rules about settings refuse a connection naming the setting and the rule, and
what a PMS cannot do is listed plainly, never an error. Propertyware (PW-01) and the browser
extension (PX-08) have no client yet: Alto carries their declarations here, word for word in
shape, and the hub reads them as it would theirs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from repairlink.simulators.alto import running_alto
from repairlink.simulators.alto.server import RunningAlto
from tests.integration.api.conftest import Client
from tests.integration.sync.conftest import settings_for
from tests.ruled_alto import LEASES, use_ruled_alto


@pytest.fixture
def ruled(monkeypatch: pytest.MonkeyPatch) -> None:
    use_ruled_alto(monkeypatch)


@pytest.fixture
def sim() -> Iterator[RunningAlto]:
    with running_alto(seed=5, units=10) as running:
        yield running


def test_the_connectors_list_says_when_each_syncs_and_nothing_is_unsupported_for_alto(
    staff: Client,
) -> None:
    listed = {c["system"]: c for c in staff.ok("GET", "/connectors")["items"]}
    assert listed["alto"]["title"] == "Alto"
    assert listed["alto"]["unsupported"] == []
    (daily,) = listed["alto"]["schedules"]
    assert daily["when"] == "daily at 02:00 (Europe/London)"
    assert "unit" in daily["kinds"]


def test_what_a_pms_cannot_do_is_listed_plainly(staff: Client, ruled: None) -> None:
    """The mechanism behind PX-08: "leases are not supported", said, never failed."""
    alto = staff.ok("GET", "/connectors/alto")
    assert alto["unsupported"] == [{"what": "leases", "message": LEASES}]


def test_a_setting_a_profile_rule_refuses_is_answered_422_naming_the_setting_and_rule(
    staff: Client, sim: RunningAlto, ruled: None
) -> None:
    """The mechanism behind PW-01 (one location a connection): refused when connecting, with
    the setting and the rule named, and nothing saved."""
    refused = staff.request(
        "PUT", "/connections/alto", json=settings_for(sim, categories=["residential", "commercial"])
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert (problem["field"], problem["rule"]) == ("categories", "PW-01")
    assert "exactly one category" in problem["detail"]
    assert staff.ok("GET", "/connections") == {"items": [], "next_cursor": None}
    saved = staff.ok("PUT", "/connections/alto", json=settings_for(sim, categories=["residential"]))
    assert saved["config"]["categories"] == ["residential"]
