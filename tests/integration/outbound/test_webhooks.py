"""S-02: generic webhooks, signed per Standard Webhooks (verified with the official library),
logged, replayable, and refused when they point into our own network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from standardwebhooks.webhooks import Webhook

from repairlink.bootstrap import App
from repairlink.errors import InvalidError
from repairlink.jobs.channels import Channels
from repairlink.outbound.views import get_delivery, list_deliveries, replay
from repairlink.services import issues, units
from repairlink.services.auth import Principal
from repairlink.webhooks import subscriptions
from tests.factories import make_issue, make_unit, uow_of
from tests.integration.outbound.conftest import send_due, states
from tests.integration.outbound.receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def subscribe(app: App, who: Principal, url: str, *types: str) -> str:
    _, secret = subscriptions.subscribe(
        uow_of(app, who),
        url=url,
        event_types=list(types) or ["*"],
        description="test",
        allow_private=True,
    )
    return secret


def test_s_02_deliveries_are_signed_per_standard_webhooks(
    loopback_app: App, admin: Principal, channels: Channels, receiver: Receiver
) -> None:
    secret = subscribe(loopback_app, admin, receiver.url, "issue.*")
    issue = make_issue(loopback_app, admin, title="Broken window")
    send_due(loopback_app, channels)

    (got,) = receiver.requests
    verified = Webhook(secret).verify(got.body, got.headers)  # raises if the signature is bad
    assert verified["type"] == "issue.created"
    assert verified["data"]["issue_id"] == issue.id
    assert verified["data"]["number"] == issue.number
    assert got.headers["webhook-id"].startswith("evt_")
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(got.body.replace(b"issue", b"ISSUE"), got.headers)


def test_s_02_only_subscribed_event_types_are_sent(
    loopback_app: App, admin: Principal, channels: Channels, receiver: Receiver
) -> None:
    subscribe(loopback_app, admin, receiver.url, "unit.deactivated")
    unit = make_unit(loopback_app, admin)
    make_issue(loopback_app, admin, unit=unit)
    units.deactivate_unit(uow_of(loopback_app, admin), unit.id)
    send_due(loopback_app, channels)
    assert [r.json["type"] for r in receiver.requests] == ["unit.deactivated"]


def test_s_02_unknown_event_types_are_refused_naming_the_field(
    loopback_app: App, admin: Principal
) -> None:
    with pytest.raises(InvalidError) as refused:
        subscribe(loopback_app, admin, "http://127.0.0.1:9/x", "issue.exploded")
    assert refused.value.field == "event_types"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://user:pw@example.com/hook",
    ],
)
def test_s_02_webhook_urls_into_our_own_network_are_refused(
    app: App, admin: Principal, url: str
) -> None:
    with pytest.raises(InvalidError) as refused:
        subscriptions.subscribe(
            uow_of(app, admin), url=url, event_types=["*"], description="", allow_private=False
        )
    assert refused.value.field == "url"
    assert refused.value.rule == "S-02"
    assert subscriptions.list_all(uow_of(app, admin)) == []


def test_s_02_a_failed_delivery_is_logged_and_can_be_replayed(
    loopback_app: App, admin: Principal, channels: Channels, receiver: Receiver
) -> None:
    subscribe(loopback_app, admin, receiver.url)
    receiver.status = 503
    make_issue(loopback_app, admin)
    send_due(loopback_app, channels)

    (failed,) = list_deliveries(uow_of(loopback_app, admin), channel="webhook").items
    assert failed["state"] == "pending"
    detail = get_delivery(uow_of(loopback_app, admin), failed["id"])
    assert [(a["ok"], a["status_code"]) for a in detail["attempt_log"]] == [(False, 503)]
    assert detail["last_error"] == "The endpoint answered 503"

    receiver.status = 200
    replay(uow_of(loopback_app, admin), failed["id"])
    send_due(loopback_app, channels)
    assert len(receiver.requests) == 1
    assert states(loopback_app, admin.agency_id) == [("webhook", "delivered", "")]


def test_s_02_an_endpoint_that_answers_410_gone_is_disabled(
    loopback_app: App, admin: Principal, channels: Channels, receiver: Receiver
) -> None:
    subscribe(loopback_app, admin, receiver.url)
    receiver.status = 410
    issue = make_issue(loopback_app, admin)
    send_due(loopback_app, channels)
    (sub,) = subscriptions.list_all(uow_of(loopback_app, admin))
    assert sub["active"] is False
    assert "410" in sub["disabled_reason"]
    assert states(loopback_app, admin.agency_id) == [("webhook", "dead", "")]
    issues.add_comment(uow_of(loopback_app, admin), admin, issue.id, body="Any news?")
    assert len(states(loopback_app, admin.agency_id)) == 1  # no new deliveries to it
