"""Cursor pagination, the same on every list: `items` + `next_cursor`, null at the end."""

from __future__ import annotations

from tests.integration.api.conftest import Client, make_unit, report


def test_units_page_by_cursor_without_overlap_until_next_cursor_is_null(staff: Client) -> None:
    made = [make_unit(staff)["id"] for _ in range(7)]
    sizes, seen, cursor = [], [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = staff.ok("GET", "/units", params=params)
        sizes.append(len(page["items"]))
        seen += [unit["id"] for unit in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sizes == [3, 3, 1]
    assert seen == sorted(made)
    assert len(set(seen)) == len(seen)


def test_a_cursor_the_api_never_gave_out_is_a_422_on_the_cursor_field(staff: Client) -> None:
    for bad in ("!!!", "bm90LWFuLWlk", "aWQ6OTk5OTk5OTk5OTk5OTk5"):
        response = staff.get("/units", params={"cursor": bad})
        assert response.status_code == 422, bad
        assert response.json()["field"] == "cursor"
    assert staff.get("/units", params={"limit": 501}).json()["field"] == "limit"


def test_lists_under_an_issue_page_the_same_way(staff: Client) -> None:
    issue = report(staff, make_unit(staff))
    for n in range(3):
        staff.ok("POST", f"/issues/{issue['id']}/comments", 201, json={"body": f"note {n}"})
    first = staff.ok("GET", f"/issues/{issue['id']}/comments", params={"limit": 2})
    assert [c["body"] for c in first["items"]] == ["note 0", "note 1"]
    rest = staff.ok(
        "GET",
        f"/issues/{issue['id']}/comments",
        params={"limit": 2, "cursor": first["next_cursor"]},
    )
    assert [c["body"] for c in rest["items"]] == ["note 2"]
    assert rest["next_cursor"] is None


def test_c_13_an_audit_trail_pages_by_position(staff: Client) -> None:
    unit = make_unit(staff)
    for town in ("Bath", "Bristol", "Cardiff"):
        staff.ok("PATCH", f"/units/{unit['id']}", json={"town": town})
    first = staff.ok("GET", f"/audit/unit/{unit['id']}", params={"limit": 3})
    rest = staff.ok(
        "GET", f"/audit/unit/{unit['id']}", params={"limit": 3, "cursor": first["next_cursor"]}
    )
    actions = [e["action"] for e in first["items"] + rest["items"]]
    assert actions == ["created", "updated", "updated", "updated"]
    assert rest["items"][0]["changes"]["town"] == ["Bristol", "Cardiff"]
    assert rest["next_cursor"] is None
