"""Pages read ahead wait as bytes, bounded by bytes per stream: each stream's pages come out
in order, a page larger than the bound still goes through, and a fetch's failure is raised
where its page would have been, after the pages before it (S-03)."""

from __future__ import annotations

import pytest

from repairlink.inbound.read_ahead import ReadAhead
from repairlink.inbound.ready_page import PackedPage, ReadyPage
from repairlink.pms.connector import TransientFetchError


def _page(cursor: str | None, size: int) -> PackedPage:
    return PackedPage.pack(ReadyPage({}, {}, {}, [], cursor, size, {}))


def _fetch(stream: str, cursor: str | None) -> PackedPage:
    at = int(cursor or 0)
    if stream == "broken" and at == 2:
        raise TransientFetchError("the PMS went away")
    return _page(str(at + 1) if at < 4 else None, size=1000 * (at + 1))


def test_each_stream_in_order_and_a_page_over_the_bound_goes_alone() -> None:
    with ReadAhead(_fetch, [("a", None), ("b", "3")], bytes_ahead=1) as reader:
        assert [p.size for p in reader.pages("a")] == [1000, 2000, 3000, 4000, 5000]
        assert [p.next_cursor for p in reader.pages("b")] == ["4", None]


def test_a_failed_fetch_is_raised_after_the_pages_before_it() -> None:
    with ReadAhead(_fetch, [("broken", None)]) as reader:
        pages = reader.pages("broken")
        assert [next(pages).size, next(pages).size] == [1000, 2000]
        with pytest.raises(TransientFetchError):
            next(pages)
