"""A sync run makes Python's garbage collector look less often, and leaves the process as it
found it when the last run ends (the service runs syncs beside everything else)."""

from __future__ import annotations

import gc

from repairlink.inbound.gc_pause import YOUNG_THRESHOLD, fewer_collections


def test_collections_are_rarer_during_runs_and_as_before_after_the_last() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0  # what existed before the run is left aside
        with fewer_collections():  # a second run at the same time
            pass
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD  # the first is still running
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
