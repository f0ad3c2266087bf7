"""Cursor paging, page limits and the modified/created filters of the list endpoints."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from repairlink.simulators.alto import RunningAlto, running_alto

from .conftest import SEED, UNITS, walk

LISTS = [
    # (path, extra params, token param, size param, id key)
    ("/inventory/filter", {}, "next-token", "max-results", "inventoryId"),
    ("/tenancies", {}, "next-token", "max-results", "id"),
    ("/landlords", {"active-status": "All"}, "next-token", "max-results", "id"),
    ("/suppliers", {}, "nextToken", "maxResults", "id"),
    ("/contacts/all", {}, "next-token", "max-results", "id"),
    ("/inventory", {}, "nextToken", "maxResults", "id"),
]


def _first_page(seed: int) -> dict[str, object]:
    with running_alto(seed=seed, units=40) as sim, sim.client() as client:
        return {path: client.get(path, params={size: 5}).json() for path, _, _, size, _ in LISTS}


class TestDeterminism:
    def test_the_same_seed_serves_the_same_first_pages(self) -> None:
        assert _first_page(3) == _first_page(3)

    def test_another_seed_serves_other_data(self) -> None:
        assert _first_page(3) != _first_page(4)


class TestPaging:
    @pytest.mark.parametrize(("path", "params", "token", "size", "key"), LISTS)
    def test_pages_cover_every_record_exactly_once(
        self,
        api: httpx.Client,
        path: str,
        params: dict[str, str],
        token: str,
        size: str,
        key: str,
    ) -> None:
        items = walk(api, path, params, token=token, size=size, page_size=7)
        ids = [item[key] for item in items]
        assert len(ids) == len(set(ids))
        total = api.get(path, params=params).json()["meta"].get("totalItems", len(ids))
        assert len(ids) == total

    def test_a_walk_of_inventory_returns_every_generated_unit(self, api: httpx.Client) -> None:
        items = walk(api, "/inventory/filter", page_size=25)
        assert len(items) == UNITS

    def test_items_come_in_modified_then_id_order(self, api: httpx.Client) -> None:
        items = walk(api, "/inventory/filter", page_size=30)
        keys = [(item["modifiedAt"], int(item["inventoryId"])) for item in items]
        assert keys == sorted(keys)

    def test_the_last_page_has_no_next_token(self, api: httpx.Client) -> None:
        body = api.get("/suppliers", params={"maxResults": 100}).json()
        assert body["meta"]["nextToken"] is None

    def test_a_page_larger_than_alto_allows_is_400(self, api: httpx.Client) -> None:
        assert api.get("/tenancies", params={"max-results": 101}).status_code == 400
        assert api.get("/inventory/filter", params={"max-results": 250}).status_code == 200
        assert api.get("/inventory/filter", params={"max-results": 251}).status_code == 400

    def test_the_page_limit_can_be_raised_for_benchmarks(self) -> None:
        with running_alto(seed=SEED, units=30, max_page_size=2000) as sim, sim.client() as c:
            body = c.get("/tenancies", params={"max-results": 2000}).json()
        assert body["meta"]["nextToken"] is None
        assert len(body["items"]) == body["meta"]["totalItems"]

    def test_a_misspelt_cursor_parameter_is_ignored_like_any_unknown_one(
        self, api: httpx.Client
    ) -> None:
        first = api.get("/tenancies", params={"max-results": 5}).json()
        again = api.get(
            "/tenancies", params={"max-results": 5, "nextToken": first["meta"]["nextToken"]}
        ).json()
        assert again["items"] == first["items"]

    def test_a_garbled_next_token_is_400(self, api: httpx.Client) -> None:
        assert api.get("/tenancies", params={"next-token": "garbage!"}).status_code == 400


def _alto_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class TestDateFilters:
    def test_modified_window_returns_only_records_modified_inside_it(
        self, api: httpx.Client
    ) -> None:
        everything = walk(api, "/tenancies", page_size=100)
        times = sorted(_alto_time(item["modifiedDate"]) for item in everything)
        low, high = times[len(times) // 4], times[3 * len(times) // 4]
        params = {"modified-from": low.isoformat(), "modified-to": high.isoformat()}
        inside = walk(api, "/tenancies", params, page_size=100)
        expected = [t for t in times if low <= t < high]
        assert sorted(_alto_time(item["modifiedDate"]) for item in inside) == expected

    def test_created_from_filters_on_creation(self, api: httpx.Client) -> None:
        everything = walk(api, "/contacts/all", page_size=250)
        times = sorted(_alto_time(item["createdAt"]) for item in everything)
        middle = times[len(times) // 2]
        later = walk(api, "/contacts/all", {"created-from": middle.isoformat()}, page_size=250)
        assert len(later) == sum(1 for t in times if t >= middle)

    def test_a_bad_date_is_400(self, api: httpx.Client) -> None:
        assert api.get("/tenancies", params={"modified-from": "yesterday"}).status_code == 400


class TestChangesWhilePaging:
    def test_modified_from_returns_only_what_changed_after_an_edit(
        self, own_alto: RunningAlto
    ) -> None:
        with own_alto.client() as client:
            before = datetime.now(UTC).isoformat()
            target = walk(client, "/inventory/filter", page_size=50)[10]
            own_alto.admin("PATCH", f"inventory/{target['inventoryId']}", {"postcode": "SW1A 1AA"})
            changed = walk(client, "/inventory/filter", {"modified-from": before})
        assert [item["inventoryId"] for item in changed] == [target["inventoryId"]]
        assert changed[0]["address"]["postcode"] == "SW1A 1AA"

    def test_a_record_changed_mid_walk_is_served_again_and_nothing_is_missed(
        self, own_alto: RunningAlto
    ) -> None:
        with own_alto.client() as client:
            first = client.get("/tenancies", params={"max-results": 10}).json()
            seen_early = first["items"][3]["id"]
            own_alto.admin("PATCH", f"tenancies/{seen_early}", {"rent": 999.0})
            rest = walk(client, "/tenancies", {"next-token": first["meta"]["nextToken"]})
            total = first["meta"]["totalItems"]
        ids = [item["id"] for item in first["items"] + rest]
        assert len(set(ids)) == total
        assert ids.count(seen_early) == 2
        assert rest[-1]["id"] == seen_early
