"""Modified windows: what an incremental pull sees of a change made upstream."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from repairlink.simulators.kit.server import Running

from .clients import Listed
from .conftest import first_id


def test_an_edit_shows_in_a_window_from_before_it_and_not_in_one_that_ends_before_it(
    listed: Listed, sim: Running[Any], client: httpx.Client
) -> None:
    if listed.modified_from is None or listed.modified_to is None:
        pytest.skip(f"{listed.label} takes no modified window")
    record_id = first_id(client, listed)
    before_edit = datetime.now(UTC).isoformat()
    sim.admin("PATCH", f"{listed.kind}/{record_id}", {listed.edit.field: listed.edit.value})

    since, _ = listed.walk(client, 50, **{listed.modified_from: before_edit})
    until, _ = listed.walk(client, 50, **{listed.modified_to: before_edit})
    assert listed.ids(since) == [record_id]
    assert listed.edit.seen(since[0]) == listed.edit.value
    assert record_id not in listed.ids(until)
    assert until, "a window ending now still holds every record not changed since"
