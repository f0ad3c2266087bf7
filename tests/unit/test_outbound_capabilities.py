"""A profile may declare only the outbound steps its connector can take: one that declares
more is refused when the registry is built, with an error naming the connector, the step and
the capability it lacks."""

from __future__ import annotations

import re

import pytest

from repairlink.connectors import REGISTRY, ConnectorKind
from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.connectors.alto.works_orders import AltoWorksOrders
from repairlink.pms.capabilities import MissingCapability
from repairlink.pms.profile import Profile, PurchaseInvoiceOnClose, UpdateOnlyWhileAssigned

ALTO = AltoConnector.profile


def _alto(profile: Profile, outbound: object = AltoWorksOrders) -> ConnectorKind:
    return ConnectorKind("alto", "Alto", AltoConfig, AltoConnector, profile, outbound)  # type: ignore[arg-type]


def test_a_step_the_connector_cannot_take_is_refused_naming_it_and_what_is_missing() -> None:
    """PM-06 and PX-04 declared for Alto, whose outbound class offers neither."""
    more = Profile(
        "alto", (*ALTO.rules, PurchaseInvoiceOnClose("PM-06"), UpdateOnlyWhileAssigned("PX-04"))
    )
    with pytest.raises(MissingCapability) as refused:
        _alto(more)
    message = str(refused.value)
    assert "Connector 'alto'" in message
    assert "PurchaseInvoiceOnClose (PM-06) needs PurchaseInvoices" in message
    assert "UpdateOnlyWhileAssigned (PX-04) needs Assignment" in message
    assert "AltoWorksOrders lacks them" in message


def test_a_profile_that_sends_issues_needs_an_outbound_side() -> None:
    with pytest.raises(
        MissingCapability, match=r"\(it sends nothing out\): SendIssues \(AL-10\) needs WorkOrders"
    ):
        _alto(ALTO, outbound=None)


def test_the_outbound_side_is_a_class_so_its_capabilities_can_be_read() -> None:
    with pytest.raises(MissingCapability, match="must be a class"):
        _alto(ALTO, outbound=lambda config: AltoWorksOrders(config))


def test_each_connector_says_what_reaches_its_pms_in_plain_words() -> None:
    """The connector page's sentence comes from the profile, for people: no rule ids."""
    for kind in REGISTRY.values():
        assert kind.way_out
        assert not re.search(r"\b[A-Z]{1,2}-\d{2}\b", kind.way_out), kind.way_out
