"""Everything one running simulator holds, and the settings it starts from."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from .auth import Authority, Credentials
from .charges import Charges
from .dataset import AltoData, build
from .faults import Faults, FaultSettings
from .listing import Totals
from .outage import Outage
from .uploads import Documents
from .work_orders import WorkOrders
from .writelog import WriteLog

DEFAULT_CLIENT_ID = "repairlink-sim"
DEFAULT_CLIENT_SECRET = "sim-secret"
DEFAULT_AGENCY_REF = "6f1c1d0e-2b7a-4c33-9e55-5a1e0a170001"


@dataclass(frozen=True)
class SimConfig:
    seed: int = 1
    units: int = 500
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    agency_ref: str = DEFAULT_AGENCY_REF
    # None keeps Alto's own page limits (100, or 250 on /inventory/filter and /contacts/all);
    # a number replaces them all, for benchmarks that page in thousands.
    max_page_size: int | None = None
    faults: FaultSettings = field(default_factory=FaultSettings)


class SimState:
    def __init__(self, config: SimConfig) -> None:
        started = time.perf_counter()
        self.config = config
        self.data: AltoData = build(config.seed, config.units)
        self.generated_seconds = time.perf_counter() - started
        self.authority = Authority(
            Credentials(config.client_id, config.client_secret, config.agency_ref)
        )
        self.faults = Faults(config.faults)
        self.totals = Totals()
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        # Set when the server stops, so a stalled ("timeout") response gives up at once.
        self.stopping: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        # The write side: what the hub sent, the log of it, and outage mode (see write_api.py).
        self.work_orders = WorkOrders()
        self.charges = Charges()
        self.documents = Documents()
        self.writes = WriteLog()
        self.outage = Outage()

    def count(self, endpoint: str, status: int) -> None:
        self.requests[endpoint] += 1
        self.statuses[str(status)] += 1

    def stats(self) -> dict[str, object]:
        return {
            "total": sum(self.requests.values()),
            "by_endpoint": dict(sorted(self.requests.items())),
            "by_status": dict(sorted(self.statuses.items())),
            "faults_injected": dict(self.faults.injected),
        }

    def reset_stats(self) -> None:
        self.requests.clear()
        self.statuses.clear()
        self.faults.injected.clear()
