"""Alto's lists, in the order a run reads them (properties before the tenancies at them), with
the paging each spells its own way (research §3)."""

from __future__ import annotations

from repairlink.connectors.alto import mapping
from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.streams import Item, Mapper, Stream


def _one(fn: mapping.OneMapper) -> Mapper:
    def many(item: Item) -> list[Incoming | Malformed]:
        return [fn(item)]

    return many


KEBAB = ("next-token", "max-results")  # most lists spell their paging so
CAMEL = ("nextToken", "maxResults")  # /suppliers (and /inventory) so
# A dated list is read as this many lanes at once, cut by modified time (`inbound/lanes`): a
# 429's Retry-After then holds a sixteenth of the list, not all of it. 16 rather than 8: a
# shorter lane meets a second 429 after its first wait less often (bench/sync_faults at 5,000
# units: faulty over clean 1.42-1.58 against 1.49-2.31 with 8; the 100k sync no slower).
LANES = 16

STREAMS: tuple[Stream, ...] = (
    Stream(
        "properties",
        "/inventory/filter",
        ("unit",),
        _one(mapping.unit),
        max_size=250,
        cursor_param=KEBAB[0],
        size_param=KEBAB[1],
        lanes=LANES,
        modified_key="modifiedAt",
    ),
    Stream(
        "landlords",
        "/landlords",
        ("landlord", "unit_landlord"),
        mapping.landlord,
        params={"active-status": "All"},
        cursor_param=KEBAB[0],
        size_param=KEBAB[1],
        lanes=LANES,
        modified_key="modifiedDate",
    ),
    # Alto publishes no modified filter for suppliers: always read whole (hashes make it cheap)
    Stream(
        "suppliers",
        "/suppliers",
        ("contractor",),
        _one(mapping.contractor),
        dated=False,
        cursor_param=CAMEL[0],
        size_param=CAMEL[1],
    ),
    Stream(
        "tenancies",
        "/tenancies",
        ("occupier", "tenancy"),
        mapping.tenancy,
        params={"include-tenants": "true"},
        cursor_param=KEBAB[0],
        size_param=KEBAB[1],
        lanes=LANES,
        modified_key="modifiedDate",
    ),
    # a tenant's own edits (email, archived) do not move their tenancy's modified time; a full
    # run reads every tenant with their tenancy already
    Stream(
        "tenants",
        "/contacts/all",
        ("occupier",),
        _one(mapping.tenant_contact),
        max_size=250,
        params={"persona": "Tenant"},
        on_full_runs=False,
        cursor_param=KEBAB[0],
        size_param=KEBAB[1],
        lanes=LANES,
        modified_key="modifiedAt",
    ),
)
BY_NAME = {stream.name: stream for stream in STREAMS}
