"""Propman's lists, in the order a run reads them: parents before what names them (estates and
agents before buildings, buildings before their RMC links and units, units before owners and
occupiers). Every list pages by offset with the total in the body, and takes a modified window."""

from __future__ import annotations

from repairlink.connectors.propman import mapping
from repairlink.pms.streams import Mapper, Paging, Stream

MAX_PAGE = 500


def _list(name: str, kinds: tuple[str, ...], mapper: Mapper, path: str | None = None) -> Stream:
    return Stream(
        name,
        path or f"/{name}",
        kinds,
        mapper,
        paging=Paging.OFFSET,
        cursor_param="offset",
        size_param="limit",
        max_size=MAX_PAGE,
    )


STREAMS: tuple[Stream, ...] = (
    _list("estates", ("estate",), mapping.estate),
    _list("agents", ("agent",), mapping.agent),
    _list("buildings", ("building", "cost_code"), mapping.building),
    _list("rmcs", ("rmc", "building_rmc"), mapping.rmc),
    _list("units", ("unit",), mapping.unit),
    _list("owners", ("landlord", "unit_landlord"), mapping.owner),
    _list("suppliers", ("contractor",), mapping.supplier),
    # a building's occupiers, once its units are in: the same list read again for them
    _list("occupiers", ("occupier", "tenancy"), mapping.building_occupiers, "/buildings"),
)
BY_NAME = {stream.name: stream for stream in STREAMS}
