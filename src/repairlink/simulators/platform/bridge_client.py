"""The reference bridge client: what the browser extension does, in Python, so that tests,
the demo and the bench can drive the bridge (docs/bridge.md) the way the extension does.

One sync: open a run over the last 72 hours (PX-01), read what changed in the PMS in that
window list by list and push each page into the run as it is read, finish the run (its report
answers); then poll the commands waiting for the PMS,
apply each in the PMS and acknowledge it (the PMS's work-order id, number and assignee, or why
not). A "sync_all" command (PX-08) is a full run of the same. It imports nothing of Repairlink:
it knows it only by HTTP.

    python -m repairlink.simulators.platform.bridge_client --pms http://127.0.0.1:8105 \\
        --repairlink http://127.0.0.1:8000 --connection 1 --token rlb_... [--every 60]
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson

from .read_ahead import read_ahead
from .state import API_KEY

HOURS = 72
LISTS = (
    ("properties", "/properties"),
    ("residents", "/residents"),
    ("work_orders", "/work-orders"),
)
Json = dict[str, Any]
READ_AHEAD = 2  # pages read from the PMS ahead of the one being pushed


def http_client(base_url: str, **options: Any) -> httpx.Client:
    """An HTTP client for Repairlink (or the PMS) that sends each request at once: without
    TCP_NODELAY, a page's last segment waits for the server's delayed acknowledgement of the
    one before (some 40 ms a request on Linux, most of a page's time)."""
    nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    transport = httpx.HTTPTransport(socket_options=nodelay)
    return httpx.Client(base_url=base_url, transport=transport, **options)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ReferenceClient:
    def __init__(
        self,
        pms: httpx.Client,
        repairlink: httpx.Client,
        connection_id: int,
        token: str,
        *,
        page_size: int = 500,
    ) -> None:
        self.pms = pms
        self.repairlink = repairlink
        self.base = f"/api/v1/bridge/connections/{connection_id}"
        self.auth = {"Authorization": f"Bearer {token}"}
        self.page_size = page_size
        self.pushed: list[Json] = []  # the run reports of the last sync
        self.pages = 0  # pages pushed, ever
        self.acknowledged: list[Json] = []

    # -- reading the PMS and pushing -----------------------------------------------------
    def sync(self, *, dry_run: bool = False) -> list[Json]:
        """One run: push the last 72 hours of every list, then carry the commands out."""
        until = datetime.now(UTC)
        self.pushed = [self.push_run(until - timedelta(hours=HOURS), until, dry_run=dry_run)]
        if not dry_run:
            self.run_commands()
        return self.pushed

    def push_run(
        self,
        since: datetime,
        until: datetime,
        *,
        dry_run: bool = False,
        lists: Sequence[tuple[str, str]] = LISTS,
    ) -> Json:
        """Open a run over the window, push every list's pages into it, finish it: its report."""
        window = {"from": _iso(since), "to": _iso(until)}
        opened = self._post("/runs", json={"window": window, "dry_run": dry_run})
        for stream, path in lists:
            for items in self.read(path, since):
                body = orjson.dumps({"items": items})
                self._post(f"/runs/{opened['run_id']}/pages/{stream}", content=body)
                self.pages += 1
        return self._post(f"/runs/{opened['run_id']}/finish")

    def read(self, path: str, since: datetime) -> Iterator[list[Json]]:
        """The list's pages changed since `since`, as the PMS shows them; the next pages are
        read (at most `READ_AHEAD`) while the caller pushes this one, so that the PMS's answer
        and Repairlink's overlap instead of adding up."""
        return read_ahead(self._read_pages(path, since), READ_AHEAD)

    def _read_pages(self, path: str, since: datetime) -> Iterator[list[Json]]:
        offset = 0
        while True:
            # no upper bound: a record changed in the very millisecond the read began would
            # fall outside it; reading it now and again next time is harmless (idempotent)
            params = {"updatedSince": _iso(since), "offset": offset, "limit": self.page_size}
            page = self._pms("GET", path, params=params).json()
            items: list[Json] = page["items"]
            if items:
                yield items
            offset += len(items)
            if not items or offset >= page["total"]:
                return

    def push_list(
        self, stream: str, path: str, since: datetime, until: datetime, *, dry_run: bool = False
    ) -> None:
        """The list's pages pushed one by one, each a run of its own (`POST .../pages`)."""
        window = {"from": _iso(since), "to": _iso(until)}
        for items in self.read(path, since):
            body = {"stream": stream, "window": window, "items": items, "dry_run": dry_run}
            self.pushed.append(self._post("/pages", json=body))
            self.pages += 1

    def _post(self, path: str, **kwargs: Any) -> Json:
        headers = {**self.auth, "Content-Type": "application/json"}
        response = self.repairlink.post(f"{self.base}{path}", headers=headers, **kwargs)
        response.raise_for_status()
        answer: Json = response.json()
        return answer

    # -- commands --------------------------------------------------------------------------
    def run_commands(self, rounds: int = 50) -> int:
        """Poll and carry out commands until none waits; answers how many were done."""
        done = 0
        for _ in range(rounds):
            response = self.repairlink.post(f"{self.base}/poll", headers=self.auth)
            response.raise_for_status()
            commands = response.json()["items"]
            if not commands:
                break
            for command in commands:
                while command is not None:
                    command = self._carry_out(command)
                    done += 1
        return done

    def _carry_out(self, command: Json) -> Json | None:
        answer = self.apply(command)
        response = self.repairlink.post(
            f"{self.base}/commands/{command['id']}/ack", json=answer, headers=self.auth
        )
        response.raise_for_status()
        result: Json = response.json()
        self.acknowledged.append({"command": command, "answer": answer, "result": result})
        following: Json | None = result.get("next")
        return following

    def apply(self, command: Json) -> Json:
        """Carry one command out in the PMS; the acknowledgement to send."""
        op, body = command["op"], command["body"]
        try:
            if op == "sync_all":  # PX-08: a full 72-hour run
                until = datetime.now(UTC)
                self.push_run(until - timedelta(hours=body["hours"]), until)
                return {"ok": True}
            if op == "create_work_order":
                return self._create(body)
            if op == "update_work_order":
                return self._update(body)
            return {"ok": False, "error": f"unknown command {op}", "retryable": False}
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            detail = exc.response.text[:500]
            retryable = status == 429 or status >= 500
            return {
                "ok": False,
                "error": f"The PMS answered {status}: {detail}",
                "retryable": retryable,
            }
        except httpx.TransportError as exc:
            return {"ok": False, "error": f"The PMS did not answer: {exc}", "retryable": True}

    def _create(self, body: Json) -> Json:
        prop = self._pms("GET", f"/properties/{body['property_id']}").json()
        wanted = body.get("require_property_assigned_to")
        if wanted is not None and str(prop.get("assignedUserId")) != str(wanted):
            return {"ok": True, "skipped": "the property is not assigned to the integration user"}
        order = {
            "propertyId": int(body["property_id"]),
            "summary": body["summary"][:200],
            "description": body.get("description") or "",
            "status": body["status"],
            "assigneeId": int(body["assignee_id"]),
        }
        made = self._pms("POST", "/work-orders", json=order).json()
        return {
            "ok": True,
            "work_order_id": str(made["id"]),
            "number": made["number"],
            "assignee_id": str(made["assigneeId"]),
        }

    def _update(self, body: Json) -> Json:
        path = f"/work-orders/{body['work_order_id']}"
        wanted = body.get("only_if_assigned_to")
        if wanted is not None:
            current = self._pms("GET", path).json()
            if str(current.get("assigneeId")) != str(wanted):
                return {"ok": True, "assigned": False}  # PX-04: edits in the PMS win
        self._pms("PATCH", path, json={"status": body["status"]})
        return {"ok": True, "assigned": True}

    def _pms(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.pms.request(method, path, **kwargs)
        response.raise_for_status()
        return response


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m repairlink.simulators.platform.bridge_client")
    parser.add_argument("--pms", required=True, help="the PMS's address")
    parser.add_argument("--pms-key", default=API_KEY)
    parser.add_argument("--repairlink", required=True, help="Repairlink's address")
    parser.add_argument("--connection", type=int, required=True)
    parser.add_argument("--token", required=True, help="the connection's bridge token")
    parser.add_argument("--every", type=float, default=0, help="seconds between syncs (0: once)")
    args = parser.parse_args(argv)
    with (
        http_client(args.pms, headers={"x-api-key": args.pms_key}, timeout=30) as pms,
        http_client(args.repairlink, timeout=60) as repairlink,
    ):
        client = ReferenceClient(pms, repairlink, args.connection, args.token)
        while True:
            try:
                pages = client.pages
                reports = client.sync()
                done = client.run_commands()
                applied = sum(
                    sum(c.get("created", 0) + c.get("updated", 0) for c in r["counts"].values())
                    for r in reports
                )
                sys.stderr.write(
                    f"bridge client: {client.pages - pages} pages pushed, {applied} records "
                    f"applied, {done} commands\n"
                )
            except httpx.HTTPError as exc:
                sys.stderr.write(f"bridge client: {exc}\n")
            if not args.every:
                return
            time.sleep(args.every)


if __name__ == "__main__":
    main()
