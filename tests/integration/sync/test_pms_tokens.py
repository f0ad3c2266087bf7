"""A PMS's bearer token is fetched once for all the threads that read it (pms/http): a run's
streams and lanes start together, and a token the PMS refuses mid-run is renewed once, not by
every thread it was refused to (a token endpoint has its own rate limit)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from repairlink.bootstrap import App
from repairlink.connectors.alto.client import AltoClient
from repairlink.connectors.alto.config import AltoConfig
from repairlink.connectors.alto.streams import BY_NAME
from repairlink.simulators.alto.server import RunningAlto
from tests.integration.sync.conftest import settings_for, sync

THREADS = 8


def _tokens_fetched(alto: RunningAlto) -> int:
    fetched: int = alto.admin("GET", "stats")["by_endpoint"].get("POST /token", 0)
    return fetched


def test_a_run_fetches_one_token_for_all_its_threads(
    app: App, connected: int, alto: RunningAlto
) -> None:
    alto.admin("POST", "stats/reset")
    sync(app, connected, full=True)
    assert _tokens_fetched(alto) == 1


def test_a_token_refused_to_many_threads_at_once_is_renewed_once(alto: RunningAlto) -> None:
    client = AltoClient(AltoConfig.model_validate(settings_for(alto)))
    stream = BY_NAME["suppliers"]
    try:
        client.page(stream, cursor=None, size=5)  # the first token
        alto.admin("POST", "tokens/expire")
        with ThreadPoolExecutor(THREADS) as pool:
            pages = list(
                pool.map(lambda _n: client.page(stream, cursor=None, size=5), range(THREADS))
            )
    finally:
        client.close()
    assert all(page.body for page in pages)  # each refused once, then answered
    assert _tokens_fetched(alto) == 2
