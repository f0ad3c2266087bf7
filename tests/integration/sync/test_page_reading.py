"""Pages read apart from the writer (inbound/page_worker): a connector that talks HTTP has its
pages read in a process of its own, beside the one that makes them ready, so the writer's
process only writes. What a read meets there reaches the run as it would have in the writer's
process: a 429 with its Retry-After (S-05), and a process that dies as a failure, not a wait."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from repairlink.bootstrap import App
from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.inbound import page_wire
from repairlink.inbound.page_worker import PagePreparer
from repairlink.pms.connector import TransientFetchError
from repairlink.simulators.alto.server import RunningAlto
from tests.integration.sync.conftest import settings_for


@pytest.fixture
def preparer(app: App, alto: RunningAlto) -> Iterator[PagePreparer]:
    """`app`: its settings let PMS connections reach this machine (the simulator)."""
    connector = AltoConnector(AltoConfig.model_validate(settings_for(alto)))
    try:
        with PagePreparer(connector.parse, connector.profile, {}, connector=connector) as ready:
            yield ready
    finally:
        connector.close()


def _suppliers(preparer: PagePreparer) -> int:
    page = preparer.fetched("suppliers", since=None, until=datetime.now(UTC), cursor=None)
    return page.open().size


def test_s_05_a_429_met_in_the_reading_process_reaches_the_run_with_its_retry_after(
    preparer: PagePreparer, alto: RunningAlto
) -> None:
    assert _suppliers(preparer) > 0
    alto.admin("PUT", "faults", {"retry_after": 3})
    alto.admin("POST", "faults/fail-next", {"count": 1, "kind": "429"})
    with pytest.raises(TransientFetchError) as refused:
        _suppliers(preparer)
    assert (refused.value.pms_status, refused.value.retry_after) == (429, 3.0)
    assert _suppliers(preparer) > 0  # and the next read is answered


def test_s_03_a_reading_process_that_dies_fails_the_page_instead_of_waiting_for_it(
    preparer: PagePreparer,
) -> None:
    reader = preparer.pids()["page-reader"]
    assert reader is not None
    os.kill(reader, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="preparing pages stopped"):
        _suppliers(preparer)


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)  # no database is written
def test_s_03_a_run_whose_reading_process_died_stops_without_its_grace_for_stopping(
    app: App, alto: RunningAlto, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading process tells the preparing one to stop; one that died cannot, so the
    preparing one is stopped at once, not after the grace a process gets to stop (made an
    hour here: waited for, the run's failure would not be told for an hour)."""
    monkeypatch.setattr(page_wire, "STOP_S", 3600.0)
    connector = AltoConnector(AltoConfig.model_validate(settings_for(alto)))
    ready = PagePreparer(connector.parse, connector.profile, {}, connector=connector)
    pids = ready.pids()
    os.kill(pids["page-reader"] or 0, signal.SIGKILL)
    closing = threading.Thread(target=ready.close, daemon=True)
    closing.start()
    closing.join(60)
    connector.close()
    assert not closing.is_alive()
    for pid in pids.values():  # both gone, none left behind
        assert pid is not None
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_s_03_a_reading_process_that_stops_answering_fails_the_page_instead_of_a_wait(
    app: App, alto: RunningAlto
) -> None:
    """A page process that hangs (alive, answering nothing) fails the run with the reason
    after a bound, to resume from its checkpoint, where the writer would wait for ever."""
    connector = AltoConnector(AltoConfig.model_validate(settings_for(alto)))
    try:
        with PagePreparer(
            connector.parse, connector.profile, {}, connector=connector, answer_within_s=2
        ) as ready:
            reader = ready.pids()["page-reader"]
            assert reader is not None
            os.kill(reader, signal.SIGSTOP)  # hung: alive, and answering nothing
            try:
                with pytest.raises(RuntimeError, match="gave no answer in 2 s"):
                    _suppliers(ready)
            finally:
                os.kill(reader, signal.SIGCONT)
    finally:
        connector.close()
