"""Everything one running Propertyware simulator holds, the settings it starts from, and how
its errors look on the wire."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.responses import JSONResponse, Response

from ..kit.auth import HeaderAuth
from ..kit.errors import BadRequest, FieldError
from ..kit.faults import Breakage
from ..kit.ledger import Ledger
from ..kit.records import KEEP_NO_OVERRIDE, Flat, Kind, TableRecords
from ..kit.runtime import Config, Runtime
from ..kit.uploads import Document
from . import content
from .data import Mix, PwData, build
from .render import shapes

DEFAULT_CLIENT_ID = "repairlink-pw"
DEFAULT_CLIENT_SECRET = "pw-secret"
DEFAULT_SYSTEM_ID = "104729"
DOCUMENT_ID_BASE = 8_000_000
# A malformed record loses its id, or these fields get the wrong type.
BREAKAGE = Breakage(
    id_keys=("id",), wrong_types={"lastModifiedDateTime": 20240101, "address": "see file"}
)
FLAGS = ("active", "managed", "ours", "closed")  # boolean fields kept as table codes


class PwErrors:
    """Propertyware's error body: `{"errorCode", "userMessage"}`, a field error naming it."""

    def problem(
        self, status: int, detail: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        body = {"errorCode": status, "userMessage": detail}
        return JSONResponse(body, status_code=status, headers=dict(headers or {}))

    def field_problem(self, error: FieldError) -> Response:
        body = {"errorCode": 400, "userMessage": str(error), "fieldName": error.field}
        return JSONResponse(body, status_code=400)


def _other_status(flat: Flat) -> str:
    return "vacant" if flat["status"] == "occupied" else "occupied"


def _more_rent(flat: Flat) -> float:
    return float(flat["rent"]) + 25.0


def _other_priority(flat: Flat) -> str:
    return "LOW" if flat["priority"] == "HIGH" else "HIGH"


class PwRecords(TableRecords):
    """Admin edits; `active` (and a work order's flags) live in the table as codes."""

    def __init__(self, data: PwData) -> None:
        self.data = data
        super().__init__(
            {
                "portfolios": Kind(data.portfolios, lambda s: content.portfolio_flat(data, s)),
                "buildings": Kind(data.buildings, lambda s: content.building_flat(data, s)),
                "units": Kind(data.units, lambda s: content.unit_flat(data, s)),
                "leases": Kind(data.leases, lambda s: content.lease_flat(data, s)),
                "contacts": Kind(data.contacts, lambda s: content.contact_flat(data, s)),
                "vendors": Kind(data.vendors, lambda s: content.vendor_flat(data, s)),
                "workorders": Kind(data.workorders, lambda s: content.order_flat(data, s)),
            }
        )

    def special(self, kind: str, slot: int, key: str, value: object, current: Flat) -> object:
        table = self.kind(kind).table
        if key in FLAGS and key in table.codes:
            if not isinstance(value, bool):
                raise BadRequest(f"{key} must be true or false")
            table.set_code(key, slot, int(value))
            return KEEP_NO_OVERRIDE
        return super().special(kind, slot, key, value, current)

    def archive(self, kind: str, record_id: int, now_ms: int) -> Flat:
        """Propertyware deactivates rather than archives."""
        return self.edit(kind, record_id, {"active": False}, now_ms)

    def churn(self, fraction: float, seed: int | None, now_ms: int) -> dict[str, list[int]]:
        """Change `fraction` of the units (their status), leases (their rent) and work orders
        (their priority), as a day of staff at work would: benchmarks' 1% churn."""
        rng = random.Random(seed)
        changes: dict[str, tuple[str, Callable[[Flat], object]]] = {
            "units": ("status", _other_status),
            "leases": ("rent", _more_rent),
            "workorders": ("priority", _other_priority),
        }
        touched: dict[str, list[int]] = {}
        for name, (key, change) in changes.items():
            kind = self.kind(name)
            alive = [slot for slot in range(len(kind.table)) if kind.table.alive[slot]]
            picked = rng.sample(alive, max(1, round(len(alive) * fraction)))
            for slot in picked:
                kind.table.overrides.setdefault(slot, {})[key] = change(kind.flat(slot))
                kind.table.touch(slot, now_ms)
            touched[name] = [kind.table.id_of(slot) for slot in picked]
        return touched

    def add(self, kind: str, fields: Flat, now_ms: int) -> Flat:
        if kind != "units":
            raise BadRequest(f"{kind} records cannot be added")
        data = self.data
        slot = data.units.add(now_ms, portfolio=0, active=1)
        data.unit_building.append(0)
        data.unit_lease.append(-1)
        self.apply(kind, slot, fields)
        return self.kind(kind).flat(slot)


@dataclass(frozen=True)
class SimConfig(Config):
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    system_id: str = DEFAULT_SYSTEM_ID
    leased: float = 0.85  # the share of units with a lease
    residents_per_lease: float = 1.4  # one or two each, this many on average


class SimState(Runtime):
    def __init__(self, config: SimConfig) -> None:
        started = time.perf_counter()
        self.data: PwData = build(
            config.seed,
            config.units,
            # from the command line they come as text
            Mix(float(config.leased), float(config.residents_per_lease)),
        )
        headers = {
            "x-propertyware-client-id": config.client_id,
            "x-propertyware-client-secret": config.client_secret,
            "x-propertyware-system-id": config.system_id,
        }
        super().__init__(
            "Propertyware",
            config,
            auth=HeaderAuth(headers),
            records=PwRecords(self.data),
            rendered=self.data.rendered,
            identity={"client_id": config.client_id, "system_id": config.system_id},
            breakage=BREAKAGE,
            errors=PwErrors(),
            write_facts=("work_order_id", "status", "resource_id"),
            generated_seconds=time.perf_counter() - started,
        )
        self.config: SimConfig = config
        self.shapes = shapes(self.data)
        self.documents: Ledger[tuple[int, Document]] = Ledger(DOCUMENT_ID_BASE)
