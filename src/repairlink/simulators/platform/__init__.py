"""A generic PMS with no API the hub may call, as an agency's browser sees it: properties
(hidden or not, assigned to a user), residents moving in and out, numbered work orders with an
assignee and a status, and its users, one of them the integration user. A bridge client (the
reference client, the browser extension) reads it and writes the hub's work orders into it.
Built on the simulator kit; see docs/simulators.md."""

from ..kit.faults import FaultSettings
from .server import running_platform
from .state import API_KEY, INTEGRATION_USER_ID, STATUSES, PlatformConfig, PlatformState

__all__ = [
    "API_KEY",
    "INTEGRATION_USER_ID",
    "STATUSES",
    "FaultSettings",
    "PlatformConfig",
    "PlatformState",
    "running_platform",
]
