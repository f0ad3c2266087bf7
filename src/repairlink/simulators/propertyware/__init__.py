"""A Propertyware simulator on the kit (research §4): three `x-propertyware-*` headers,
offset/limit paging with `X-Total-Count`, portfolios, buildings, units, leases with contacts,
contacts, vendors, work orders and their documents. See docs/simulators.md."""

from .server import RunningPropertyware, running_propertyware

__all__ = ["RunningPropertyware", "running_propertyware"]
