"""A toy PMS on the simulator kit, in the styles no simulator uses yet, for the contract suite.

One kind of record (units), a list, a lookup and a write, declared the way a real simulator
declares itself, in one of two styles:

- "header-triple": Propertyware's style: three fixed headers (a missing or wrong one is 401),
  `offset`/`limit` paging up to 500 with the total in `X-Total-Count`, modified filters
  `lastModifiedDateTimeStart`/`End`;
- "api-key": a Propman-like style: `x-api-key`, `offset`/`limit` paging up to 200 with the
  total in the body (`{"totalCount", "offset", "limit", "data"}`), `modifiedSince`/`Until`.

Its error bodies are its own (`{"error": {"status", "message", "field"}}`), not Alto's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from repairlink.simulators.kit import fields
from repairlink.simulators.kit.auth import HeaderAuth, api_key
from repairlink.simulators.kit.bodies import json_body
from repairlink.simulators.kit.clock import generated_times, to_utc_z
from repairlink.simulators.kit.declaration import Simulator
from repairlink.simulators.kit.errors import FieldError
from repairlink.simulators.kit.faults import Breakage
from repairlink.simulators.kit.ledger import Ledger
from repairlink.simulators.kit.paging import (
    DateFilters,
    OffsetBodyPaging,
    OffsetPaging,
    Paging,
    list_response,
)
from repairlink.simulators.kit.records import Flat, Kind, TableRecords
from repairlink.simulators.kit.rendered import RenderCache, Shape
from repairlink.simulators.kit.runtime import Config, Runtime
from repairlink.simulators.kit.seeded import record_rng
from repairlink.simulators.kit.server import Running, serving
from repairlink.simulators.kit.table import Table

from .clients import Edit, Listed, Offset, Refusal, Simulated

HEADER_TRIPLE = {
    "x-propertyware-client-id": "toy-client",
    "x-propertyware-client-secret": "toy-secret",
    "x-propertyware-system-id": "42",
}
API_KEY = "toy-api-key"


class ToyErrors:
    def problem(
        self, status: int, detail: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        body = {"error": {"status": status, "message": detail}}
        return JSONResponse(body, status_code=status, headers=dict(headers or {}))

    def field_problem(self, error: FieldError) -> Response:
        body = {"error": {"status": 400, "message": str(error), "field": error.field}}
        return JSONResponse(body, status_code=400)


@dataclass(frozen=True)
class ToyConfig(Config):
    style: str = "header-triple"


class ToyRecords(TableRecords):
    def add(self, kind: str, fields: Flat, now_ms: int) -> Flat:
        table = self.kind(kind).table
        slot = table.add(now_ms, archived=0)
        self.apply(kind, slot, fields)
        return self.kind(kind).flat(slot)


class ToyState(Runtime):
    def __init__(self, config: ToyConfig) -> None:
        rng = random.Random(config.seed)
        self.units = Table("units", 1000, ("archived",))
        for _ in range(config.units):
            self.units.append(*generated_times(rng), archived=int(rng.random() < 0.1))
        self.units.reindex()
        header = config.style == "header-triple"
        super().__init__(
            f"Toy ({config.style})",
            config,
            auth=HeaderAuth(HEADER_TRIPLE) if header else api_key(API_KEY),
            records=ToyRecords({"units": Kind(self.units, self.flat)}),
            rendered=RenderCache(lambda: self.units.version),
            identity={"style": config.style},
            breakage=Breakage(("id",), {"lastModified": 0}),
            errors=ToyErrors(),
        )
        self.paging: Paging = (
            OffsetPaging(dates=DateFilters("lastModifiedDateTimeStart", "lastModifiedDateTimeEnd"))
            if header
            else OffsetBodyPaging(
                max_size=200,
                dates=DateFilters("modifiedSince", "modifiedUntil"),
                items_key="data",
                total_key="totalCount",
            )
        )
        self.shape = Shape("unit", self.units, self.render)
        self.orders: Ledger[dict[str, Any]] = Ledger(5000)

    def flat(self, slot: int) -> Flat:
        rng = record_rng(self.config.seed, 1, slot)
        return self.units.derived(
            slot,
            {
                "name": f"Unit {rng.randint(1, 99)}",
                "postcode": f"AB{rng.randint(1, 9)} {rng.randint(1, 9)}CD",
                "archived": bool(self.units.code("archived", slot)),
            },
        )

    def render(self, slot: int) -> Flat:
        flat = self.flat(slot)
        return {
            "id": flat["id"],
            "name": flat["name"],
            "postcode": flat["postcode"],
            "archived": flat["archived"],
            "lastModified": to_utc_z(flat["modifiedDate"]),
        }


def units(state: ToyState, request: Request) -> Response:
    return list_response(state, request, state.paging, state.shape)


def unit(state: ToyState, request: Request) -> Response:
    slot = state.units.require(request.path_params["unit_id"], "Unit")
    record_id, modified = state.units.id_of(slot), state.units.modified[slot]
    return JSONResponse(state.faults.served(state.render(slot), record_id, modified))


async def create_work_order(state: ToyState, request: Request) -> Response:
    def existing_unit(value: Any, name: str) -> int:
        found = fields.record_id(value, name)
        if found is None or state.units.slot_of(found) is None:
            raise FieldError(name, f"{value!r} is not an existing unit.")
        return found

    rules = {"unitId": existing_unit, "summary": fields.text}
    values = fields.check_all(await json_body(request), rules, required=tuple(rules))
    order = state.orders.add(lambda order_id: {"id": order_id, **values})
    state.writes.accept(request, resource_id=order["id"])
    return JSONResponse(order, status_code=201)


TOY: Simulator[ToyConfig, ToyState] = Simulator(
    name="Toy",
    module=__name__,
    default_port=8199,
    config=ToyConfig,
    state=ToyState,
    endpoints=(
        ("GET", "/units", units),
        ("GET", "/units/{unit_id:int}", unit),
        ("POST", "/work-orders", create_work_order),
    ),
)


@contextmanager
def running_toy(style: str) -> Iterator[Running[ToyState]]:
    with serving(TOY, ToyConfig(seed=3, units=45, style=style)) as (base_url, state):
        yield Running(base_url, state)


def _write(client: httpx.Client) -> httpx.Response:
    return client.post("/work-orders", json={"unitId": 1001, "summary": "Tap drips"})


WITHOUT_SYSTEM_ID = {k: v for k, v in HEADER_TRIPLE.items() if k != "x-propertyware-system-id"}


def _entry(style: str, paging: Offset, dates: tuple[str, str], refused: list[Refusal]) -> Simulated:
    units = Listed(
        "/units",
        paging,
        "id",
        "units",
        Edit("postcode", "ZZ9 9ZZ", lambda item: item["postcode"]),
        modified_from=dates[0],
        modified_to=dates[1],
        new={"name": "Unit 100"},
    )
    no_credentials = Refusal("no credentials at all", {}, 401)
    return Simulated(
        name=f"Toy({style})",
        start=lambda: running_toy(style),
        refusals=lambda sim: [no_credentials, *refused],
        lists=(units,),
        write=_write,
    )


TOY_HEADER_TRIPLE = _entry(
    "header-triple",
    Offset(max_size=500),
    ("lastModifiedDateTimeStart", "lastModifiedDateTimeEnd"),
    [
        Refusal("a missing system id", WITHOUT_SYSTEM_ID, 401),
        Refusal("a wrong secret", {**HEADER_TRIPLE, "x-propertyware-client-secret": "no"}, 401),
    ],
)
TOY_API_KEY = _entry(
    "api-key",
    Offset(max_size=200, total_header=None, items_key="data", total_key="totalCount"),
    ("modifiedSince", "modifiedUntil"),
    [Refusal("a wrong key", {"x-api-key": "not-the-key"}, 401)],
)
