"""One folder per PMS: its client, mapping, profile (its rules) and typed config.

REGISTRY is the one list of connectors: explicit and typed, so mypy checks every entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from repairlink.connectors.alto.client import AltoClient
from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.connectors.alto.works_orders import AltoWorksOrders
from repairlink.outbound.issue_out import WorkOrderWriter
from repairlink.pms.connector import Connector
from repairlink.pms.profile import Profile


@dataclass(frozen=True)
class ConnectorKind:
    system: str
    title: str
    config_model: type[BaseModel]
    build: Callable[[Any], Connector]
    profile: Profile
    works_orders: Callable[[Any], WorkOrderWriter] | None = None  # None: sends nothing out


def _alto_works_orders(config: AltoConfig) -> AltoWorksOrders:
    return AltoWorksOrders(AltoClient(config))


REGISTRY: dict[str, ConnectorKind] = {
    "alto": ConnectorKind(
        "alto", "Alto", AltoConfig, AltoConnector, AltoConnector.profile, _alto_works_orders
    ),
}
