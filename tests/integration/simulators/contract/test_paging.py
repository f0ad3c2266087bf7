"""Paging a list: every record once, totals that agree, the size limit, exact spellings."""

from __future__ import annotations

from typing import Any

from repairlink.simulators.kit.server import Running

from .clients import Listed


def test_walking_every_page_serves_each_record_exactly_once(
    listed: Listed, shared: Running[Any]
) -> None:
    with shared.client() as client:
        small, total = listed.walk(client, 7)
        whole, _ = listed.walk(client, listed.paging.max_size)
    ids = listed.ids(small)
    assert len(ids) == len(set(ids)), "a record was served twice"
    assert sorted(ids) == sorted(listed.ids(whole)), "small pages missed or added records"
    assert len(ids) > 7, "the list is too short to need a second page"
    if total is not None:
        assert total == len(ids)


def test_a_page_above_the_size_limit_is_refused(listed: Listed, shared: Running[Any]) -> None:
    with shared.client() as client:
        at_limit = listed.get(client, listed.paging.max_size)
        above = listed.get(client, listed.paging.max_size + 1)
    assert at_limit.status_code == 200
    assert above.status_code == 400


def test_page_parameters_are_spelled_exactly_or_ignored(
    listed: Listed, shared: Running[Any]
) -> None:
    """A size parameter in other capitals is an unknown parameter: the default page comes."""
    name = listed.paging.size
    with shared.client() as client:
        exact = client.get(listed.path, params={**listed.params, name: 3})
        other_case = client.get(listed.path, params={**listed.params, name.upper(): 3})
    assert exact.status_code == other_case.status_code == 200
    assert exact.json() != other_case.json()
