"""Webhooks in the browser (S-02, S-01): subscribe a receiver on 127.0.0.1, see the secret once,
see a failed delivery with each attempt's status code in the log, replay it once the receiver
recovers; pause and resume; a refused form names the field and the rule."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from repairlink.outbound.ledger import utcnow
from repairlink.services import issues
from repairlink.store.outbound_tables import deliveries
from tests.e2e.a11y import check_page, press
from tests.e2e.conftest import Agency, login
from tests.e2e.waits import reload_until
from tests.integration.outbound.receiver import Receiver, running_receiver

DEADLINE_S = 30


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as made:
        yield made


def _subscribe(page: Page, url: str, *types: str) -> int:
    page.goto("/dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhooks").click()
    page.get_by_label("Endpoint URL").fill(url)
    for name in types:
        page.get_by_label(name).check()
    page.get_by_label("Description (optional)").fill("Helpdesk")
    press(page, "Add webhook")
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhook created")
    log = page.get_by_role("link", name="Its delivery log")
    return int((log.get_attribute("href") or "").rsplit("/", 1)[-1])


def _mark_dead(agency: Agency, webhook_id: int) -> int:
    """The state a delivery reaches after ten failures over 75 hours (deliveries.BACKOFF_S),
    written to the ledger as the last failure would. Webhooks retry a 4xx as they retry a 5xx
    (only 410 is final, and it disables the subscription), so no answer of the receiver gets
    there sooner. A row a sender holds at this instant is left to it and tried again."""
    d = deliveries.c
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        with agency.app.engine.begin() as conn:
            done = conn.execute(
                sa.update(deliveries)
                .where(
                    d.agency_id == agency.id,
                    d.channel == "webhook",
                    d.target_id == webhook_id,
                    d.state == "pending",
                    d.attempts > 0,
                    d.leased_until.is_(None),
                )
                .values(state="dead", finished_at=utcnow())
                .returning(d.id)
            ).scalar()
        if done is not None:
            return int(done)
    raise AssertionError(f"no failed delivery to webhook {webhook_id} to mark dead")


def test_s_02_s_01_a_failed_delivery_is_logged_and_replayed_from_the_console(
    page: Page, agency: Agency, receiver: Receiver
) -> None:
    receiver.status = 500
    login(page, agency.email)
    webhook_id = _subscribe(page, receiver.url, "issue.created")
    secret = page.get_by_label(f"Signing secret for {receiver.url}")
    expect(secret).to_have_value(re.compile(r"^whsec_"))
    expect(page.locator("#secret-warning")).to_contain_text("shown only this once")
    check_page(page, "webhook-created")
    page.get_by_role("link", name="All webhooks").click()
    expect(page.locator("#main")).not_to_contain_text("whsec_")  # once means once
    row = page.get_by_test_id("webhooks").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(receiver.url)
    expect(row).to_contain_text("issue.created")
    expect(row).to_contain_text("Active")

    issue = issues.report(
        agency.uow(), agency.who, title="Mould in the bathroom", free_address="4 Quay St, Hull"
    )
    page.get_by_role("link", name=f"Delivery log of {receiver.url}").click()
    state = lambda: page.get_by_test_id("deliveries").get_by_test_id("state")  # noqa: E731
    reload_until(page, state, "failed, retrying", timeout_s=DEADLINE_S)
    log_row = page.get_by_test_id("deliveries").locator("tbody tr")
    expect(log_row).to_contain_text("The endpoint answered 500")
    expect(log_row.locator("ol.attempts")).to_contain_text(": 500")

    delivery_id = _mark_dead(agency, webhook_id)
    page.reload()
    expect(state()).to_have_text("dead")
    check_page(page, "webhook-deliveries")

    receiver.status = 200
    press(page, f"Replay delivery {delivery_id}")
    expect(page.get_by_role("status")).to_contain_text("The delivery is sent again")
    reload_until(page, state, "delivered", timeout_s=DEADLINE_S)
    attempts = page.get_by_test_id("deliveries").locator("ol.attempts li")
    expect(attempts.last).to_contain_text(": 200")
    (got,) = receiver.unique()
    assert got.json["type"] == "issue.created"
    assert got.json["data"]["issue_id"] == issue.id
    expect(page.get_by_role("button", name=re.compile(r"^Replay delivery"))).to_have_count(0)


def test_s_02_pause_resume_and_replay_all_dead(
    page: Page, agency: Agency, receiver: Receiver
) -> None:
    receiver.status = 500
    login(page, agency.email)
    webhook_id = _subscribe(page, receiver.url, "All events")
    issues.report(
        agency.uow(), agency.who, title="Broken window latch", free_address="9 Mill Rd, Ely"
    )
    page.goto(f"/webhooks/{webhook_id}")
    state = lambda: page.get_by_test_id("deliveries").get_by_test_id("state")  # noqa: E731
    reload_until(page, state, "failed, retrying", timeout_s=DEADLINE_S)
    _mark_dead(agency, webhook_id)
    receiver.status = 200
    page.reload()
    press(page, "Replay all dead")
    expect(page.get_by_role("status")).to_contain_text("1 dead delivery(ies) sent again")
    reload_until(page, state, "delivered", timeout_s=DEADLINE_S)
    assert [r.json["type"] for r in receiver.unique()] == ["issue.created"]

    page.goto("/webhooks")
    press(page, f"Pause the webhook to {receiver.url}")
    status = page.get_by_role("status")
    expect(status).to_contain_text(f"Paused: no events are sent to {receiver.url}")
    expect(page.get_by_test_id("webhooks")).to_contain_text("Disabled Paused by the agency")
    check_page(page, "webhooks")
    press(page, f"Resume the webhook to {receiver.url}")
    expect(status).to_contain_text(f"Resumed: events go to {receiver.url} again")
    expect(page.get_by_test_id("webhooks")).to_contain_text("Active")


def test_s_02_a_refused_subscription_names_the_field_and_keeps_the_form(
    page: Page, agency: Agency
) -> None:
    login(page, agency.email)
    page.goto("/webhooks")
    page.get_by_label("Endpoint URL").fill("http://127.0.0.1:9/hooks")
    press(page, "Add webhook")  # no event type ticked
    expect(page.get_by_role("alert")).to_have_text("Event types: Choose at least one event type")
    expect(page.get_by_label("Endpoint URL")).to_have_value("http://127.0.0.1:9/hooks")
    expect(page.get_by_test_id("webhooks").locator("tbody")).to_contain_text("No webhooks yet")
