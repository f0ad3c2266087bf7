"""The contract every simulator keeps, whatever PMS it plays: the registry of simulators and
the fixtures that start them.

A new simulator joins the suite with one line in SIMULATORS, naming a `Simulated` entry that
says how to start it, which credentials it refuses, its list endpoints and their paging
style, and a write it accepts (see alto.py). Tests that take `listed` run once per list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from repairlink.simulators.kit.server import Running

from .alto import ALTO
from .clients import Listed, Simulated
from .platform import PLATFORM
from .propertyware import PROPERTYWARE
from .propman import PROPMAN
from .toy import TOY_API_KEY, TOY_HEADER_TRIPLE

SIMULATORS: tuple[Simulated, ...] = (
    ALTO,
    PROPMAN,
    PROPERTYWARE,
    PLATFORM,
    # Not PMSs: a toy built on the kit, in the two styles no simulator uses yet (offset paging
    # with the total in a header or in the body; fixed-header auth), so the suite holds the
    # kit to them before the Propertyware and Propman simulators do.
    TOY_HEADER_TRIPLE,
    TOY_API_KEY,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "listed" in metafunc.fixturenames:
        pairs = [(entry, listed) for entry in SIMULATORS for listed in entry.lists]
        metafunc.parametrize(
            ("simulated", "listed"),
            pairs,
            ids=[f"{entry.name}{listed.label}" for entry, listed in pairs],
            scope="module",
        )
    elif "simulated" in metafunc.fixturenames:
        ids = [entry.name for entry in SIMULATORS]
        metafunc.parametrize("simulated", SIMULATORS, ids=ids, scope="module")


@pytest.fixture(scope="module")
def shared(simulated: Simulated) -> Iterator[Running[Any]]:
    """One simulator per entry for a module's tests that only read: never change it."""
    with simulated.start() as sim:
        yield sim


@pytest.fixture
def sim(simulated: Simulated) -> Iterator[Running[Any]]:
    """A simulator of this test's own, free to change."""
    with simulated.start() as running:
        yield running


@pytest.fixture
def client(sim: Running[Any]) -> Iterator[httpx.Client]:
    with sim.client() as authenticated:
        yield authenticated


def first_id(client: httpx.Client, listed: Listed) -> str:
    """The id of the first record the list serves."""
    first_page = next(listed.paging.pages(client, listed.path, listed.params, 5))
    return str(first_page.items[0][listed.id_key])
