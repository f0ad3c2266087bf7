"""Benchmark: the bridge. The reference client pushes a PMS's last 72 hours (properties and
residents) in pages of 500 to a Repairlink server over HTTP; then issues change at a steady
rate while a client long-polls, and each change's command is timed from the change (its
outbox event's `created_at`) to the poll that receives it.

    uv run python -m bench.bridge [--units 50000] [--changes 300] [--rate 100]

The platform simulator runs in its own process with every record changed lately (`--recent
1`), so the client reads `units` properties and 1.5 times as many residents, pushed as one run
(the issue's figure is for properties and residents; the simulator's work orders, each an
issue whose creation is a delivery for the connection, are left out; any delivery left is
polled away, and timed, before the commands are measured). Repairlink runs in a process of
its own (`bench/bridge_service.py`: uvicorn, SQLite file, no runner: the bridge's deliveries
wait for their client), which also makes the issue changes, on the beat this process gives
it; the client, the poller and the acknowledging thread run here. Prints one `name: value`
per line.

Each figure comes with its floor, measured in the same run (`bench/bridge_floor.py`): the same
pages read and posted to a bare endpoint that inserts their items raw, and the same issue
changes at the same rate polled and acknowledged through bare endpoints.
"""

from __future__ import annotations

import argparse
import queue
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

import orjson
import sqlalchemy as sa

from bench import scratch
from bench.bridge_service import Hub
from repairlink.bootstrap import App, build
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.jobs.sync_run import connect
from repairlink.services import agencies, bridge_tokens, units
from repairlink.services.auth import Principal
from repairlink.services.units import UnitFilter
from repairlink.settings import Settings
from repairlink.simulators.kit.process import simulator_process
from repairlink.simulators.platform import API_KEY
from repairlink.simulators.platform.bridge_client import (
    HOURS,
    LISTS,
    ReferenceClient,
    http_client,
)
from repairlink.store.bridge_tables import bridge_commands
from repairlink.store.migrate import upgrade
from repairlink.store.outbound_tables import deliveries
from repairlink.store.tables import outbox


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--rate", type=float, default=100.0, help="issue changes a second")
    args = parser.parse_args()
    folder = scratch("bench-bridge-")
    url = f"sqlite:///{folder}/bench.db"
    upgrade(url)
    app = build(Settings(database_url=url, files_dir=folder / "files"))
    agency = agencies.create_agency(app.uow(Actor.system("bench")), name="Bench", slug="bench")
    settings = {"sync_method": "all", "integration_user": "1", "sync_start": "2020-01-01"}
    connection_id = connect(app, agency.id, "platform", settings)
    _, token = bridge_tokens.create_token(app.uow(Actor.system("bench"), agency.id), "platform")
    hub = Hub(url, folder / "files", agency.id, connection_id)
    module = "repairlink.simulators.platform"
    extra = ("--recent", "1")
    with (
        simulator_process(module, seed=1, units=args.units, args=extra) as pms_url,
        http_client(pms_url, headers={"x-api-key": API_KEY}, timeout=60) as pms,
        http_client(hub.base_url, timeout=300) as repairlink,
        http_client(hub.floor_url, timeout=300) as bare,
    ):
        client = ReferenceClient(pms, repairlink, connection_id, token, page_size=500)
        started = time.perf_counter()
        until = datetime.now(UTC)  # the client's read, pushed as one run (its commands later)
        reports = [client.push_run(until - timedelta(hours=HOURS), until, lists=LISTS[:2])]
        wall = time.perf_counter() - started
        applied = sum(
            c.get("created", 0) + c.get("updated", 0) + c.get("unchanged", 0)
            for report in reports
            for c in report["counts"].values()
        )
        print(f"pages_pushed: {client.pages}")
        print(f"records_applied: {applied}")
        print(f"push_wall_s: {wall:.2f}")
        print(f"records_per_s: {applied / wall:.0f}")
        floor = ReferenceClient(pms, bare, connection_id, "floor", page_size=500)
        floor.base = ""  # the bare endpoints answer at the root
        floor_wall = _push_floor(floor)
        print(f"floor_push_wall_s: {floor_wall:.2f}")
        print(f"floor_records_per_s: {applied / floor_wall:.0f}")
        print(f"push_over_floor: {wall / floor_wall:.2f}")
        _drain(app, client, connection_id)
        targets = _targets(app, agency.id, 2 * args.changes)
        real = _commands(app, hub, client, targets[0::2], args.rate)
        _print_delays("command", real, args.changes)
        bare_delays = _commands(app, hub, floor, targets[1::2], args.rate)
        _print_delays("floor_command", bare_delays, args.changes)
        if real and bare_delays:
            print(f"command_p99_over_floor: {_p99(real) / _p99(bare_delays):.2f}")
    hub.close()


def _push_floor(client: ReferenceClient) -> float:
    """The same pages read by the same client and posted as it posts them (the same bytes),
    to the bare endpoint."""
    started = time.perf_counter()
    since = datetime.now(UTC) - timedelta(hours=HOURS)
    for stream, path in LISTS[:2]:
        for items in client.read(path, since):
            body = orjson.dumps({"items": items})
            client.repairlink.post(
                f"/pages?stream={stream}", content=body, headers=client.auth
            ).raise_for_status()
    return time.perf_counter() - started


def _drain(app: App, client: ReferenceClient, connection_id: int) -> None:
    """The deliveries the push left (every pushed work order is an issue, and its creation
    an event for the connection) polled away before the clock starts, so that the commands
    measured do not queue behind them; how many and how fast is a figure of its own."""
    d = deliveries.c
    due = sa.select(sa.func.count()).where(
        d.channel == "connection", d.target_id == connection_id, d.state == "pending"
    )
    with app.engine.connect() as conn:
        backlog = int(conn.execute(due).scalar_one())
    started = time.perf_counter()
    left = backlog
    while left:
        response = client.repairlink.post(f"{client.base}/poll?limit=100", headers=client.auth)
        for command in response.raise_for_status().json()["items"]:
            done = {"ok": True, "work_order_id": f"D{command['id']}", "assigned": True}
            client.repairlink.post(
                f"{client.base}/commands/{command['id']}/ack", json=done, headers=client.auth
            )
        with app.engine.connect() as conn:
            left = int(conn.execute(due).scalar_one())
    wall = time.perf_counter() - started
    print(f"backlog_deliveries: {backlog}")
    print(f"backlog_drain_s: {wall:.2f}")
    if backlog:
        print(f"backlog_deliveries_per_s: {backlog / wall:.0f}")


def _targets(app: App, agency_id: int, count: int) -> list[int]:
    boss = Principal(agency_id, Role.ADMIN, None, Actor.system("bench"))
    found: list[int] = []
    cursor = None
    while len(found) < count:
        page = units.list_units(
            app.uow(boss.actor, agency_id),
            status=UnitFilter.ACTIVE,
            cursor=cursor,
            limit=min(500, count - len(found)),
        )
        found += [u.id for u in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    return found


def _p99(delays: list[float]) -> float:
    return delays[min(len(delays) - 1, int(len(delays) * 0.99))]


def _print_delays(name: str, delays: list[float], wanted: int) -> None:
    if delays:
        print(f"{name}s: {len(delays)} of {wanted}")
        print(f"{name}_p50_ms: {statistics.median(delays):.1f}")
        print(f"{name}_p99_ms: {_p99(delays):.1f}")


def _commands(
    app: App, hub: Hub, client: ReferenceClient, targets: list[int], rate: float
) -> list[float]:
    """Issues reported in the hub's process at `rate` a second at `targets`, while a poller
    here long-polls and hands each command to an acknowledging thread: the delay (ms,
    sorted) from the change's outbox event (its `created_at`) to the poll that receives its
    command."""
    received: dict[int, float] = {}  # command (or, on the floor, delivery) id -> epoch s
    to_ack: queue.Queue[int | None] = queue.Queue()
    all_made = threading.Event()
    http = http_client(str(client.repairlink.base_url), timeout=60)

    def poller() -> None:
        patience = time.monotonic() + 120
        while len(received) < len(targets) and time.monotonic() < patience:
            response = http.post(f"{client.base}/poll?limit=100&wait_s=1", headers=client.auth)
            now = time.time()
            for command in response.raise_for_status().json()["items"]:
                received.setdefault(int(command["id"]), now)
                to_ack.put(int(command["id"]))
            if not all_made.is_set():
                patience = time.monotonic() + 120
        to_ack.put(None)

    def acker() -> None:
        while (command_id := to_ack.get()) is not None:
            answer = {"ok": True, "work_order_id": f"B{command_id}", "number": f"WO-B{command_id}"}
            client.repairlink.post(
                f"{client.base}/commands/{command_id}/ack", json=answer, headers=client.auth
            ).raise_for_status()

    threads = [threading.Thread(target=t, daemon=True) for t in (poller, acker)]
    for thread in threads:
        thread.start()
    gap = 1.0 / rate
    start = time.perf_counter()
    for n, unit_id in enumerate(targets):
        time.sleep(max(0.0, start + n * gap - time.perf_counter()))
        hub.report(unit_id)
    all_made.set()
    for thread in threads:
        thread.join()
    http.close()
    changed = _changed_at(app, list(received), bare=client.base == "")
    return sorted((received[i] - changed[i]) * 1000 for i in received if i in changed)


def _changed_at(app: App, ids: list[int], *, bare: bool) -> dict[int, float]:
    """When the change behind each command was made: its outbox event's `created_at`. A
    bare poll hands out deliveries, the bridge's its commands."""
    d, b = deliveries.c, bridge_commands.c
    delivery = d.id if bare else b.id
    query = sa.select(delivery, outbox.c.created_at).join(outbox, outbox.c.id == d.event_id)
    if not bare:
        query = query.select_from(bridge_commands.join(deliveries, d.id == b.delivery_id))
    with app.engine.connect() as conn:
        rows = conn.execute(query.where(delivery.in_(ids))).all()
    return {int(i): at.timestamp() for i, at in rows}


if __name__ == "__main__":
    main()
