"""One folder per PMS: its client, mapping, profile (its rules) and typed config.

REGISTRY is the one list of connectors: explicit and typed, so mypy checks every entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.connectors.alto.works_orders import AltoWorksOrders
from repairlink.connectors.platform.bridge_out import BridgeWorkOrders
from repairlink.connectors.platform.config import PlatformConfig
from repairlink.connectors.platform.connector import PlatformConnector
from repairlink.connectors.propertyware.config import PropertywareConfig
from repairlink.connectors.propertyware.connector import PropertywareConnector
from repairlink.connectors.propertyware.work_orders import PropertywareWorkOrders
from repairlink.connectors.propman.config import PropmanConfig
from repairlink.connectors.propman.connector import PropmanConnector
from repairlink.connectors.propman.repair_orders import PropmanRepairOrders
from repairlink.pms.capabilities import WorkOrders, check_offered
from repairlink.pms.connector import Connector
from repairlink.pms.profile import Profile, Schedule, SendIssues


@dataclass(frozen=True)
class ConnectorKind:
    system: str
    title: str
    config_model: type[BaseModel]
    build: Callable[[Any], Connector]
    profile: Profile
    # The class that takes issues out to the PMS, built from the connection's config: it
    # implements WorkOrders and the other capabilities of pms/capabilities.py its profile's
    # steps need (checked here, so a profile that declares more is refused at start).
    # None: sends nothing out.
    outbound: Callable[[Any], WorkOrders] | None = None
    # True: the PMS is read and written by a bridge client (the agency's browser extension),
    # which pushes pages and polls the commands; nothing here calls the PMS
    bridged: bool = False

    def __post_init__(self) -> None:
        check_offered(self.system, self.profile, self.outbound)

    def timed(self, schedule: Schedule, settings: Mapping[str, Any]) -> Schedule:
        """When a declared schedule fires for one connection: as declared, or as its settings
        time it (a config model with `timed`: PM-03's schedules are set per agency). It keeps
        its name, so its bookmark and its runs stay the declared schedule's."""
        try:
            config = self.config_model.model_validate(settings)
        except ValidationError:
            return schedule  # settings saved before a field was added: the declared times
        timing = getattr(config, "timed", None)
        return timing(schedule) if timing is not None else schedule

    @property
    def way_out(self) -> str:
        """What people are told about issues going to this PMS (its connector page)."""
        sends: list[SendIssues] = self.profile.of(SendIssues)
        return sends[0].description if sends else f"Issues are not sent to {self.title}."


REGISTRY: dict[str, ConnectorKind] = {
    "alto": ConnectorKind(
        "alto", "Alto", AltoConfig, AltoConnector, AltoConnector.profile, AltoWorksOrders
    ),
    "propman": ConnectorKind(
        "propman",
        "Propman",
        PropmanConfig,
        PropmanConnector,
        PropmanConnector.profile,
        PropmanRepairOrders,
    ),
    "propertyware": ConnectorKind(
        "propertyware",
        "Propertyware",
        PropertywareConfig,
        PropertywareConnector,
        PropertywareConnector.profile,
        PropertywareWorkOrders,
    ),
    "platform": ConnectorKind(
        "platform",
        "Platform (browser extension)",
        PlatformConfig,
        PlatformConnector,
        PlatformConnector.profile,
        BridgeWorkOrders,
        bridged=True,
    ),
}
