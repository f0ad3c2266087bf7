"""A fake of a Propman API (UK block management): estates, buildings, units, agents, suppliers,
owners and RMC/RTM companies to read, repair orders and purchase invoices to write.

Built on the simulator kit (`repairlink.simulators.kit`); see docs/simulators.md.
"""

from .app import PROPMAN, PropmanConfig, PropmanState, RunningPropman, running_propman

__all__ = ["PROPMAN", "PropmanConfig", "PropmanState", "RunningPropman", "running_propman"]
