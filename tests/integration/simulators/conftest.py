"""Simulators over real HTTP. Module-scoped ones are shared and never mutated; a test that
changes upstream data or faults starts its own on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from repairlink.simulators.alto import RunningAlto, running_alto

SEED = 7
UNITS = 120


@pytest.fixture(scope="module")
def alto() -> Iterator[RunningAlto]:
    """A shared simulator: read it, never change it."""
    with running_alto(seed=SEED, units=UNITS) as sim:
        yield sim


@pytest.fixture(scope="module")
def api(alto: RunningAlto) -> Iterator[httpx.Client]:
    with alto.client() as client:
        yield client


@pytest.fixture
def own_alto() -> Iterator[RunningAlto]:
    """A simulator of this test's own, free to change."""
    with running_alto(seed=SEED, units=60) as sim:
        yield sim


def walk(
    client: httpx.Client,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    token: str = "next-token",
    size: str = "max-results",
    page_size: int = 17,
) -> list[dict[str, Any]]:
    """Every item of a list endpoint, following next tokens to the end."""
    query = {**(params or {}), size: page_size}
    items: list[dict[str, Any]] = []
    while True:
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        next_token = body["meta"]["nextToken"]
        if not next_token:
            return items
        query[token] = next_token
