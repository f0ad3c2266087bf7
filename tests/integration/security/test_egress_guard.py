"""One outbound address guard for webhooks and PMS connections (docs/security.md): every address
a name resolves to is checked, IPv4 inside IPv6 included; the request goes to the address that
was checked (a name that answers differently the second time, DNS rebinding, cannot reach
127.0.0.1); redirects are not followed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from repairlink.api.app import create_app
from repairlink.bootstrap import App
from repairlink.egress import guard
from repairlink.egress.transport import AddressRefused, guarded_client
from repairlink.errors import InvalidError
from repairlink.jobs.sync_run import connect
from repairlink.pms.connector import TerminalFetchError
from repairlink.pms.http import ClientCredentials, PmsHttp
from repairlink.services.auth import Principal
from repairlink.simulators.alto.state import DEFAULT_AGENCY_REF
from repairlink.webhooks import subscriptions
from repairlink.webhooks.sender import WebhookSender
from tests.factories import uow_of
from tests.integration.api.conftest import TestClient, login_client
from tests.integration.outbound.receiver import Receiver, running_receiver

REFUSED = [
    "http://127.0.0.1:5432/",
    "http://localhost/",
    "http://169.254.169.254/latest/meta-data",
    "http://10.1.2.3/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://2130706433/",  # 127.0.0.1 written as one number
    "http://[::1]/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[ff02::1]/",
    "http://[::127.0.0.1]/",  # IPv4-compatible
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo
]
PUBLIC = "93.184.216.34"
# The guard refuses before the database is written: one backend is enough for each form
ONE_BACKEND = pytest.mark.parametrize("app", ["sqlite"], indirect=True)


class Rebinding:
    """A name server that answers `first`, then `then` for every later question."""

    def __init__(self, first: str, then: str) -> None:
        self.answers = [first, then]
        self.asked = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked += 1
        return [self.answers[min(self.asked, 2) - 1]]


@pytest.fixture
def strict() -> Iterator[None]:
    """The production policy: no loopback (tests run with loopback allowed)."""
    before = guard.default_policy()
    guard.configure(guard.Policy())
    yield
    guard.configure(before)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@ONE_BACKEND
@pytest.mark.parametrize("url", REFUSED)
def test_each_address_form_is_refused_for_webhooks(app: App, admin: Principal, url: str) -> None:
    with pytest.raises(InvalidError) as refused:
        subscriptions.subscribe(
            uow_of(app, admin), url=url, event_types=["*"], description="", allow_private=False
        )
    assert (refused.value.field, refused.value.rule) == ("url", "S-02")


@ONE_BACKEND
@pytest.mark.parametrize("url", REFUSED)
def test_each_address_form_is_refused_as_a_pms_base_url(
    app: App, agency_id: int, url: str, strict: None
) -> None:
    settings = {
        "base_url": url,
        "client_id": "id",
        "client_secret": "s",
        "agency_ref": DEFAULT_AGENCY_REF,
    }
    with pytest.raises(InvalidError) as refused:
        connect(app, agency_id, "alto", settings)
    assert refused.value.field == "base_url"
    assert refused.value.code == "egress.address_refused"


def test_dns_rebinding_cannot_reach_loopback_through_a_webhook(
    app: App, admin: Principal, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    monkeypatch.setattr(guard, "resolver", Rebinding(PUBLIC, "127.0.0.1"))
    row, _ = subscriptions.subscribe(
        uow_of(app, admin),
        url=f"http://rebind.invalid:{port}/hooks",
        event_types=["*"],
        description="",
        allow_private=False,
    )  # accepted: the name answered a public address
    sender = WebhookSender(app.engine, allow_private=False, timeout_s=5)
    event = {
        "id": 1,
        "event_type": "issue.created",
        "created_at": datetime.now(UTC),
        "aggregate_kind": "issue",
        "aggregate_id": 1,
        "payload": {},
    }
    outcome = sender.send({"target_id": row["id"]}, event, datetime.now(UTC))
    sender.close()
    assert not outcome.ok
    assert outcome.terminal
    assert "127.0.0.1" in (outcome.error or "")
    assert receiver.requests == []


def test_dns_rebinding_cannot_send_a_pms_secret_to_loopback(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch, strict: None
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    monkeypatch.setattr(guard, "resolver", Rebinding(PUBLIC, "127.0.0.1"))
    guard.check_url(f"http://pms.invalid:{port}", guard.default_policy())  # as when saved
    auth = ClientCredentials("/token", "id", "the client secret", name="PMS")
    client = PmsHttp(f"http://pms.invalid:{port}", auth, name="PMS", timeout_s=5)
    with pytest.raises(TerminalFetchError, match="127.0.0.1"):
        client.call("GET", "/properties")
    client.close()
    assert receiver.requests == []


def test_the_request_goes_to_the_address_that_was_checked(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved once; httpx never resolves it again (it could not: .invalid)."""
    port = int(receiver.url.split(":")[2].split("/")[0])
    name_server = Rebinding("127.0.0.1", "10.9.9.9")
    monkeypatch.setattr(guard, "resolver", name_server)
    with guarded_client(5, guard.Policy(allow_loopback=True)) as http:
        answer = http.post(f"http://hooks.invalid:{port}/hooks", json={"type": "ping"})
    assert answer.status_code == 200
    assert name_server.asked == 1
    (got,) = receiver.requests
    assert got.headers["host"] == f"hooks.invalid:{port}"


def test_a_client_keeps_the_checked_address_and_never_a_refusal(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request goes to the address checked for the first (the name now answers a
    private address, never called); a refused name is asked again, not refused from memory."""
    port = int(receiver.url.split(":")[2].split("/")[0])
    name_server = Rebinding("127.0.0.1", "10.9.9.9")
    monkeypatch.setattr(guard, "resolver", name_server)
    with guarded_client(5, guard.Policy(allow_loopback=True)) as http:
        first = http.post(f"http://hooks.invalid:{port}/hooks", json={"n": 1})
        second = http.post(f"http://hooks.invalid:{port}/hooks", json={"n": 2})
    assert (first.status_code, second.status_code) == (200, 200)
    assert len(receiver.requests) == 2
    refusing = Rebinding("10.9.9.9", "127.0.0.1")
    monkeypatch.setattr(guard, "resolver", refusing)
    with guarded_client(5, guard.Policy(allow_loopback=True)) as http:
        with pytest.raises(AddressRefused):
            http.post(f"http://later.invalid:{port}/hooks", json={"n": 3})
        answer = http.post(f"http://later.invalid:{port}/hooks", json={"n": 4})
    assert answer.status_code == 200
    assert len(receiver.requests) == 3


def test_redirects_are_not_followed(receiver: Receiver) -> None:
    receiver.status = 302
    receiver.extra_headers["location"] = "http://169.254.169.254/latest/meta-data"
    with guarded_client(5, guard.Policy(allow_loopback=True)) as http:
        answer = http.post(receiver.url, json={})
    assert answer.status_code == 302  # answered as it came, not followed


def test_a_cookie_a_server_sets_is_never_sent_back(receiver: Receiver) -> None:
    """A receiver (or a PMS) that sets a cookie does not get it back on our next request, nor
    does any other: each request says who we are by its token, key or signature alone."""
    receiver.extra_headers["set-cookie"] = "planted=1; Path=/"
    with guarded_client(5, guard.Policy(allow_loopback=True)) as http:
        first = http.post(receiver.url, json={"n": 1})
        second = http.post(receiver.url, json={"n": 2})
    assert "planted=1" in first.headers["set-cookie"]  # the server did set it
    assert second.status_code == 200
    assert [got.headers.get("cookie") for got in receiver.requests] == [None, None]


def test_a_refused_address_is_refused_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "resolver", lambda host, port: ["169.254.169.254"])
    with (
        guarded_client(5, guard.Policy(allow_loopback=True)) as http,
        pytest.raises(AddressRefused, match="link-local"),
    ):
        http.get("http://metadata.invalid/latest/meta-data")


@ONE_BACKEND
def test_the_api_refuses_a_metadata_address_as_a_pms_base_url(app: App, agency_id: int) -> None:
    with TestClient(create_app(app)) as http:
        staff = login_client(app, http, agency_id)
        body = {
            "base_url": "http://169.254.169.254",
            "client_id": "id",
            "client_secret": "the client secret",
            "agency_ref": DEFAULT_AGENCY_REF,
        }
        refused = staff.request("PUT", "/connections/alto", json=body)
    assert refused.status_code == 422
    assert (refused.json()["field"], refused.json()["code"]) == (
        "base_url",
        "egress.address_refused",
    )
