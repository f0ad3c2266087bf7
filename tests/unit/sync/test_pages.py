"""Pages made ready away from the database: in a process of their own, as the engine uses
them. A bad value is set aside with its reason (S-04), a page that is not JSON is retried
(S-05), and a tenant seen twice in one page is taken in their best light."""

from __future__ import annotations

import os
import signal
from typing import Any

import orjson
import pytest

from repairlink.connectors.alto.connector import AltoConnector
from repairlink.connectors.alto.profile import PROFILE
from repairlink.inbound.page_wire import failure_of
from repairlink.inbound.page_worker import PagePreparer
from repairlink.pms.connector import TransientFetchError
from repairlink.pms.streams import RawPage

CONFIG: dict[str, Any] = {}


def _tenancy(tenancy_id: int, status: str, tenant: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": tenancy_id,
        "propertyId": 10,
        "status": status,
        "startDate": "2024-01-01T00:00:00+00:00",
        "tenants": [tenant],
    }


def _tenant(**changes: Any) -> dict[str, Any]:
    return {"id": "30", "forename": "Ann", "surname": "Lee", "email": "ann@example.com", **changes}


def _page(*items: dict[str, Any]) -> RawPage:
    return RawPage(orjson.dumps({"meta": {"nextToken": "next"}, "items": list(items)}))


@pytest.fixture
def preparer() -> Any:
    with PagePreparer(AltoConnector.parse, PROFILE, CONFIG) as ready:
        yield ready


def test_s_04_a_value_that_cannot_be_normalised_is_set_aside_with_its_reason(
    preparer: PagePreparer,
) -> None:
    page = preparer.ready("tenancies", _page(_tenancy(1, "Active", _tenant(phone="12"))))
    assert page.next_cursor == "next"
    assert [(bad.kind, bad.external_id) for bad in page.bad] == [("occupier", "30")]
    assert "phone" in page.bad[0].reason
    assert [r.kind for r in page.by_kind["occupier"]] == []
    assert page.by_kind["tenancy"][0].external_id == "1:30"


def test_normalised_values_come_back(preparer: PagePreparer) -> None:
    page = preparer.ready(
        "tenancies", _page(_tenancy(1, "Active", _tenant(email=" Ann@Example.COM ")))
    )
    (occupier,) = page.by_kind["occupier"]
    assert occupier.fields["email"] == "ann@example.com"
    assert page.passing["occupier"] == {"30"}


def test_a_tenant_seen_twice_is_taken_in_their_best_light(preparer: PagePreparer) -> None:
    old, new = _tenancy(1, "Inactive", _tenant()), _tenancy(2, "Active", _tenant())
    for items in ((old, new), (new, old)):
        page = preparer.ready("tenancies", _page(*items))
        (occupier,) = page.by_kind["occupier"]
        assert occupier.attrs["tenancy_live"] is True
        assert page.passing["occupier"] == {"30"}
        assert page.failures["occupier"] == {}


def test_al_04_the_filter_a_record_fails_comes_back_with_it(preparer: PagePreparer) -> None:
    """S-06: the engine says which rule skipped a record without running the filters again."""
    page = preparer.ready("tenancies", _page(_tenancy(1, "Inactive", _tenant())))
    assert page.passing["occupier"] == set()
    rule, reason = page.failures["occupier"]["30"]
    assert rule == "AL-04"
    assert reason


def test_s_05_a_page_that_is_not_json_is_worth_another_try(preparer: PagePreparer) -> None:
    with pytest.raises(TransientFetchError, match="not JSON"):
        preparer.ready("tenancies", RawPage(b"<html>Bad gateway</html>"))


def test_s_03_a_preparing_process_that_dies_fails_the_page_instead_of_waiting_for_it(
    preparer: PagePreparer,
) -> None:
    """A run whose page-preparing process is killed (out of memory, say) fails with the
    reason, to resume from its checkpoint, rather than waiting for ever for its next page."""
    child = preparer.pids()["page-preparer"]
    assert child is not None
    os.kill(child, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="preparing pages stopped"):
        preparer.ready("tenancies", _page(_tenancy(1, "Active", _tenant())))


class _TwoPartError(Exception):
    def __init__(self, code: int, text: str) -> None:  # unpickled with its message alone
        super().__init__(text)
        self.code = code


def test_a_fault_that_cannot_cross_from_the_preparing_process_is_named_as_it_was() -> None:
    crossed = failure_of(_TwoPartError(7, "a mapping fault"))
    assert isinstance(crossed, RuntimeError)
    assert str(crossed) == "_TwoPartError: a mapping fault"
    assert "in the page-preparing process" in "".join(crossed.__notes__)
