"""Everything one running Alto simulator holds, and the settings it starts from."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..kit.faults import Breakage
from ..kit.ledger import Ledger
from ..kit.oauth import ClientCredentials, RequiredHeader
from ..kit.runtime import Config, Runtime
from ..kit.uploads import Document
from .charges import Charges
from .dataset import AltoData, build
from .mutations import AltoRecords
from .served import shapes
from .work_orders import WorkOrders

DEFAULT_CLIENT_ID = "repairlink-sim"
DEFAULT_CLIENT_SECRET = "sim-secret"
DEFAULT_AGENCY_REF = "6f1c1d0e-2b7a-4c33-9e55-5a1e0a170001"
# Ids of what the hub writes, as strings of digits in Alto's bodies.
WORK_ORDER_ID_BASE, CHARGE_ID_BASE, DOCUMENT_ID_BASE = 60_000_000, 70_000_000, 80_000_000

# A malformed record loses its id, or these fields (whichever it has) get the wrong type.
WRONG_TYPES: dict[str, object] = {"address": "see file", "people": "see file"}
WRONG_TYPES.update(dict.fromkeys(("startDate", "modifiedDate", "modifiedAt"), 20240101))
BREAKAGE = Breakage(id_keys=("id", "inventoryId"), wrong_types=WRONG_TYPES)


@dataclass(frozen=True)
class SimConfig(Config):
    # `max_page_size` None keeps Alto's own page limits (100, or 250 on /inventory/filter and
    # /contacts/all); a number replaces them all, for benchmarks that page in thousands.
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    agency_ref: str = DEFAULT_AGENCY_REF


class SimState(Runtime):
    def __init__(self, config: SimConfig) -> None:
        started = time.perf_counter()
        self.data: AltoData = build(config.seed, config.units)
        self.oauth = ClientCredentials(
            config.client_id, config.client_secret, RequiredHeader("AgencyRef", config.agency_ref)
        )
        super().__init__(
            "Alto",
            config,
            auth=self.oauth,
            records=AltoRecords(self.data),
            rendered=self.data.rendered,
            identity={"client_id": config.client_id, "agency_ref": config.agency_ref},
            breakage=BREAKAGE,
            write_facts=("work_order_id", "status", "resource_id"),
            generated_seconds=time.perf_counter() - started,
        )
        self.config: SimConfig = config
        self.shapes = shapes(self.data)
        # The write side: what the hub sent (the log of it is the kit's `writes`).
        self.work_orders = WorkOrders(WORK_ORDER_ID_BASE)
        self.charges = Charges(CHARGE_ID_BASE)
        self.documents: Ledger[Document] = Ledger(DOCUMENT_ID_BASE)
