"""Issue 14, item 7 (docs/api.md): `Idempotency-Key` on every POST that creates. A repeat
answers the first answer and creates nothing more; the same key with a different body answers
422; another caller's same key is its own; a key that is not printable ASCII is refused. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from repairlink.api.idempotency import ABANDONED
from repairlink.bootstrap import App
from repairlink.store.idempotency_tables import idempotency_keys
from tests.integration.api.conftest import Client, client_for, make_unit, new_agency


def _issues(staff: Client) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = staff.ok("GET", "/issues")["items"]
    return items


def test_a_repeated_post_answers_the_first_answer_and_creates_once(staff: Client) -> None:
    unit = make_unit(staff)
    body = {"title": "Boiler out", "unit_id": unit["id"]}
    key = {"Idempotency-Key": "7f0c8a1e-issue-1"}
    first = staff.post("/issues", json=body, headers=key)
    again = staff.post("/issues", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.headers["content-type"] == first.headers["content-type"]
    assert [i["id"] for i in _issues(staff)] == [first.json()["id"]]


def test_the_same_key_with_a_different_body_is_refused(staff: Client) -> None:
    unit = make_unit(staff)
    key = {"Idempotency-Key": "reused-key"}
    staff.ok("POST", "/issues", 201, json={"title": "A", "unit_id": unit["id"]}, headers=key)
    refused = staff.post("/issues", json={"title": "B", "unit_id": unit["id"]}, headers=key)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "idempotency.key_reused"
    assert refused.json()["field"] == "Idempotency-Key"
    assert len(_issues(staff)) == 1


def test_without_a_key_each_post_creates_and_keys_belong_to_their_caller(
    app: App, http: Any, staff: Client
) -> None:
    unit = make_unit(staff)
    body = {"title": "Leak", "unit_id": unit["id"]}
    staff.ok("POST", "/issues", 201, json=body)
    staff.ok("POST", "/issues", 201, json=body)
    assert len(_issues(staff)) == 2
    other = client_for(app, http, new_agency(app))
    other_unit = make_unit(other)
    key = {"Idempotency-Key": "shared-key"}
    staff.ok("POST", "/issues", 201, json=body, headers=key)
    theirs = other.post("/issues", json={**body, "unit_id": other_unit["id"]}, headers=key)
    assert theirs.status_code == 201  # not the first caller's answer, nor a refusal
    assert "idempotent-replayed" not in theirs.headers


def test_a_refusal_is_kept_too_and_a_bad_key_is_refused(staff: Client) -> None:
    key = {"Idempotency-Key": "refused-once"}
    first = staff.post("/issues", json={"title": "No unit", "unit_id": 999999}, headers=key)
    again = staff.post("/issues", json={"title": "No unit", "unit_id": 999999}, headers=key)
    assert first.status_code == again.status_code
    assert first.status_code in (404, 422)
    assert again.json() == first.json()
    bad = staff.post("/issues", json={}, headers={"Idempotency-Key": "x" * 256})
    assert bad.status_code == 422
    assert bad.json()["code"] == "idempotency.key_invalid"


def _answer_lost(app: App, key: str, minutes_ago: float) -> None:
    """As if the process answering the key had died mid-request: no answer kept, its claim
    made `minutes_ago`."""
    k = idempotency_keys.c
    with app.engine.begin() as conn:
        conn.execute(
            sa.update(idempotency_keys)
            .where(k.key == key)
            .values(
                status_code=None,
                headers=None,
                body=None,
                created_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
            )
        )


def test_a_key_whose_first_answer_was_lost_is_answered_again_once_it_is_abandoned(
    app: App, staff: Client
) -> None:
    """A retry while the first request is being answered waits (409); but a first request
    whose process died never answers: once its claim is older than any request takes, a
    retry is answered afresh instead of 409 for the key's whole day."""
    unit = make_unit(staff)
    body = {"title": "Gutter blocked", "unit_id": unit["id"]}
    key = f"lost-{unit['id']}"
    staff.ok("POST", "/issues", 201, json=body, headers={"Idempotency-Key": key})
    _answer_lost(app, key, minutes_ago=1)
    assert staff.post("/issues", json=body, headers={"Idempotency-Key": key}).status_code == 409
    _answer_lost(app, key, minutes_ago=ABANDONED.total_seconds() / 60 + 1)
    again = staff.post("/issues", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers
