"""The admin API plays the agency's staff: what they change upstream shows through the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from repairlink.simulators.kit.server import Running

from .clients import Listed
from .conftest import first_id


def _find(listed: Listed, client: httpx.Client, record_id: str) -> dict[str, Any] | None:
    items, _ = listed.walk(client, listed.paging.max_size)
    return next((item for item in items if str(item[listed.id_key]) == record_id), None)


def test_an_edit_shows_in_the_list(listed: Listed, sim: Running[Any], client: httpx.Client) -> None:
    record_id = first_id(client, listed)
    sim.admin("PATCH", f"{listed.kind}/{record_id}", {listed.edit.field: listed.edit.value})
    found = _find(listed, client, record_id)
    assert found is not None
    assert listed.edit.seen(found) == listed.edit.value


def test_an_added_record_is_listed(listed: Listed, sim: Running[Any], client: httpx.Client) -> None:
    if listed.new is None:
        pytest.skip(f"the admin API adds no record {listed.label} lists")
    _, total_before = listed.walk(client, listed.paging.max_size)
    added = sim.admin("POST", listed.kind, dict(listed.new))
    assert _find(listed, client, str(added["id"])) is not None
    _, total_after = listed.walk(client, listed.paging.max_size)
    if total_before is not None:
        assert total_after == total_before + 1


def test_a_deleted_record_is_gone_from_the_list_and_its_total(
    listed: Listed, sim: Running[Any], client: httpx.Client
) -> None:
    record_id = first_id(client, listed)
    items_before, total_before = listed.walk(client, listed.paging.max_size)
    response = httpx.delete(f"{sim.base_url}/_admin/{listed.kind}/{record_id}")
    assert response.status_code == 204
    items_after, total_after = listed.walk(client, listed.paging.max_size)
    assert record_id not in listed.ids(items_after)
    assert len(items_after) == len(items_before) - 1
    if total_before is not None:
        assert total_after == total_before - 1


def test_an_unknown_kind_or_record_is_404(listed: Listed, sim: Running[Any]) -> None:
    assert httpx.get(f"{sim.base_url}/_admin/{listed.kind}/1").status_code == 404
    assert httpx.get(f"{sim.base_url}/_admin/no-such-kind/1").status_code == 404
