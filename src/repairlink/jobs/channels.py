"""Where a delivery goes: a PMS connection (its connector's outbound capabilities, driven by
its profile), a webhook subscription or a person by mail. Clients are kept between deliveries:
a PMS token is fetched once, not once per event."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY, ConnectorKind
from repairlink.domain.delivery import Learned, Outcome
from repairlink.errors import RepairlinkError
from repairlink.mail.sender import MailChannel
from repairlink.outbound.facts import Due, FactsReader, ReadAhead, due_at, read_many
from repairlink.outbound.issue_out import IssueOut
from repairlink.outbound.ledger import Claimed
from repairlink.pms.capabilities import WorkOrders
from repairlink.pms.connector import TerminalFetchError, TransientFetchError
from repairlink.pms.issue_facts import IssueFacts
from repairlink.store.db import reading
from repairlink.store.sealing import opened_json
from repairlink.webhooks.sender import WebhookSender

Row = Mapping[str, Any]
# agency id -> (system, issue id, what is due) -> the issue's facts, read ahead for a batch
Ahead = Mapping[int, Mapping[tuple[str, int, Due], IssueFacts]]
_NONE: Ahead = {}


class Channels:
    def __init__(self, app: App) -> None:
        self.app = app
        self.webhooks = WebhookSender(
            app.engine,
            allow_private=app.settings.webhooks_allow_private,
            timeout_s=app.settings.webhook_timeout_s,
            allow_loopback=app.settings.webhooks_allow_loopback,
        )
        self.mail = MailChannel(app.settings, app.uow)
        self._writers: dict[int, tuple[Any, WorkOrders]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.webhooks.close()
        for _, writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def read_ahead(self, batch: Sequence[Claimed]) -> Ahead:
        """The facts of a batch's PMS deliveries, read at once: two queries for each agency
        and PMS in the batch, on one read-only connection, instead of two for every send."""
        wanted: dict[tuple[int, str], dict[int, Due]] = {}
        for item in batch:
            d, event = item.delivery, item.event
            status = str(event["payload"].get("status", ""))
            if d["channel"] != "connection" or not d["pms_enabled"] or not status:
                continue
            kind = REGISTRY[d["pms_system"]]
            if kind.outbound is None or event["aggregate_kind"] != "issue":
                continue
            issues = wanted.setdefault((int(d["agency_id"]), kind.profile.system), {})
            # (one connection per agency and PMS, one head of each issue's queue: each once)
            issues.setdefault(int(event["aggregate_id"]), due_at(kind.profile, status))
        if not wanted:
            return {}
        ahead: dict[int, dict[tuple[str, int, Due], IssueFacts]] = {}
        with reading(self.app.engine) as conn:
            for (agency_id, system), issues in wanted.items():
                found = read_many(conn, agency_id, system, list(issues.items()))
                ahead.setdefault(agency_id, {}).update(
                    ((system, i, issues[i]), facts) for i, facts in found.items()
                )
        return ahead

    def send(
        self, delivery: Row, event: Row, now: datetime, *, again: bool = False, ahead: Ahead = _NONE
    ) -> Outcome:
        """`delivery` as `deliveries.claim` answers it; `ahead`: its batch's facts, read
        ahead. The ids learned on the way come back on the outcome, even when a later step
        failed."""
        learned: list[Learned] = []
        try:
            if delivery["channel"] == "webhook":
                return self.webhooks.send(delivery, event, now)
            if delivery["channel"] == "mail":
                return self.mail.send(delivery, event, now)
            outcome = self._to_pms(delivery, event, again, learned, ahead)
        except TransientFetchError as exc:
            outcome = Outcome.failed(
                exc.message,
                status_code=exc.pms_status,
                retry_after=exc.retry_after,
                refused=exc.refused,
            )
        except TerminalFetchError as exc:
            outcome = Outcome.failed(exc.message, status_code=exc.pms_status, terminal=True)
        except RepairlinkError as exc:  # e.g. the issue was deleted since: nothing to retry
            outcome = Outcome.failed(exc.message, terminal=True)
        return replace(outcome, learned=tuple(learned)) if learned else outcome

    def _to_pms(
        self, delivery: Row, event: Row, again: bool, learned: list[Learned], ahead: Ahead
    ) -> Outcome:
        if not delivery["pms_enabled"]:
            return Outcome.skip("The PMS connection is switched off or gone")
        kind = REGISTRY[delivery["pms_system"]]
        if kind.outbound is None:
            return Outcome.skip(f"{kind.title} takes no work orders")
        agency_id = int(delivery["agency_id"])
        read = FactsReader(self.app.engine, agency_id)
        sender = IssueOut(
            kind.profile,
            self._writer(delivery["target_id"], kind, delivery["pms_config"]),
            ReadAhead(ahead[agency_id], read) if agency_id in ahead else read,
            self.app.files,
            learned=learned,
        )
        return sender.send(event, again=again)

    def _writer(self, connection_id: int, kind: ConnectorKind, sealed: Any) -> WorkOrders:
        """The connection's client, made again when its settings were saved since (compared
        as stored, sealed: opened only to make one)."""
        with self._lock:
            cached = self._writers.get(connection_id)
            if cached is not None and cached[0] == sealed:
                return cached[1]
            if cached is not None:
                cached[1].close()
            assert kind.outbound is not None
            writer = kind.outbound(kind.config_model.model_validate(opened_json(sealed)))
            self._writers[connection_id] = (sealed, writer)
            return writer
