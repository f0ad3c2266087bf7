"""Propertyware's lists, in the order a run reads them (units before the leases and work
orders at them): offset paging, 500 at most, the total in `X-Total-Count` (research §4.1).
Each is read for the connection's one portfolio (PW-01), which the connector adds."""

from __future__ import annotations

from repairlink.connectors.propertyware import mapping
from repairlink.pms.streams import Paging, Stream

STREAMS: tuple[Stream, ...] = (
    Stream(
        "units",
        "/units",
        ("unit",),
        mapping.unit,
        paging=Paging.OFFSET,
        cursor_param="offset",
        size_param="limit",
        max_size=500,
        params={"includeDeactivated": "true"},
        # its pages are quicker to write than to fetch and prepare: read in lanes at once
        lanes=8,
        modified_key="lastModifiedDateTime",
    ),
    Stream(
        "leases",
        "/leases",
        ("occupier", "tenancy"),
        mapping.lease,
        paging=Paging.OFFSET,
        cursor_param="offset",
        size_param="limit",
        max_size=500,
    ),
    Stream(
        "workorders",
        "/workorders",
        ("issue",),
        mapping.work_order,
        paging=Paging.OFFSET,
        cursor_param="offset",
        size_param="limit",
        max_size=500,
    ),
)
BY_NAME = {stream.name: stream for stream in STREAMS}
