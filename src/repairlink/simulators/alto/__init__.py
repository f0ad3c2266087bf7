"""A fake of Alto's API (Zoopla/Houseful lettings software): reads, and the hub's writes.

Serves generated agency data over real HTTP the way Alto's published API does: OAuth client
credentials, the AgencyRef header, cursor paging, modified-from filters, with an admin back
door for tests and fault injection for the sync engine's resilience. Takes the works orders,
documents and charges the hub writes back, and logs them. Built on the simulator kit
(`repairlink.simulators.kit`); see docs/simulators.md.
"""

from ..kit.faults import FaultSettings
from .server import RunningAlto, running_alto
from .state import SimConfig, SimState

__all__ = ["FaultSettings", "RunningAlto", "SimConfig", "SimState", "running_alto"]
