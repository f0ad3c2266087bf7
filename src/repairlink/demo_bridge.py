"""`make run`'s bridge demo: the platform simulator (a PMS with no API for us) on :8105, a
demo agency of its own connected to it (the Alto demo agency stays as it is), and the
reference bridge client (what the browser extension does) syncing it every minute against
this server, in a thread of this process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack

import httpx

from repairlink.bootstrap import App
from repairlink.demo import DEMO_PASSWORD, demo_agency, on_port_or_any
from repairlink.domain.actors import Actor
from repairlink.jobs.sync_run import connect
from repairlink.services import bridge_tokens
from repairlink.simulators.platform import API_KEY, running_platform
from repairlink.simulators.platform.bridge_client import ReferenceClient, http_client

DEMO_SLUG = "demo-bridge"
DEMO_EMAIL = "admin@demo-bridge-lettings.co.uk"
EVERY_S = 60.0


def start_platform_demo(
    app: App, stack: ExitStack, server_url: str, say: Callable[[str], object], port: int = 8105
) -> None:
    sim = on_port_or_any(
        stack, lambda at: running_platform(seed=1, units=200, recent=0.3, port=at), port
    )
    agency_id, _ = demo_agency(
        app, name="Bridge Lettings", slug=DEMO_SLUG, email=DEMO_EMAIL, password=DEMO_PASSWORD
    )
    settings = {"sync_method": "all", "integration_user": "1", "sync_start": "2020-01-01"}
    connection_id = connect(app, agency_id, "platform", settings)
    uow = app.uow(Actor.system("demo"), agency_id)
    _, token = bridge_tokens.create_token(uow, "platform", "make run's reference client")
    stop = threading.Event()
    stack.callback(stop.set)
    args = (sim.base_url, server_url, connection_id, token, stop)
    threading.Thread(target=_client_loop, args=args, name="bridge-client", daemon=True).start()
    say(
        f"Platform simulator on {sim.base_url} (200 properties; a PMS read through the bridge); "
        f"its reference client syncs it every {EVERY_S:.0f} s for the agency you see logged "
        f"in as {DEMO_EMAIL} / {DEMO_PASSWORD}"
    )


def _client_loop(
    pms_url: str, server_url: str, connection_id: int, token: str, stop: threading.Event
) -> None:
    with (
        http_client(pms_url, headers={"x-api-key": API_KEY}, timeout=30) as pms,
        http_client(server_url, timeout=60) as repairlink,
    ):
        client = ReferenceClient(pms, repairlink, connection_id, token)
        while not stop.is_set():
            try:
                repairlink.get("/health").raise_for_status()
                client.sync()
            except httpx.HTTPError:
                stop.wait(2)  # the server is starting, or busy: try again shortly
                continue
            stop.wait(EVERY_S)
