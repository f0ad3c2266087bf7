"""Where a delivery goes: a PMS connection (its connector's outbound capabilities, driven by
its profile), a webhook subscription or a person by mail. Clients are kept between deliveries:
a PMS token is fetched once, not once per event."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY, ConnectorKind
from repairlink.domain.delivery import Learned, Outcome
from repairlink.errors import RepairlinkError
from repairlink.mail.sender import MailChannel
from repairlink.outbound.facts import FactsReader
from repairlink.outbound.issue_out import IssueOut
from repairlink.pms.capabilities import WorkOrders
from repairlink.pms.connector import TerminalFetchError, TransientFetchError
from repairlink.webhooks.sender import WebhookSender

Row = Mapping[str, Any]


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

    def send(self, delivery: Row, event: Row, now: datetime, *, again: bool = False) -> Outcome:
        """`delivery` as `deliveries.claim` answers it. The ids learned on the way come back
        on the outcome, even when a later step failed."""
        learned: list[Learned] = []
        try:
            if delivery["channel"] == "webhook":
                return self.webhooks.send(delivery, event, now)
            if delivery["channel"] == "mail":
                return self.mail.send(delivery, event, now)
            outcome = self._to_pms(delivery, event, again, learned)
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

    def _to_pms(self, delivery: Row, event: Row, again: bool, learned: list[Learned]) -> Outcome:
        if not delivery["pms_enabled"]:
            return Outcome.skip("The PMS connection is switched off or gone")
        kind = REGISTRY[delivery["pms_system"]]
        if kind.outbound is None:
            return Outcome.skip(f"{kind.title} takes no work orders")
        sender = IssueOut(
            kind.profile,
            self._writer(delivery["target_id"], kind, delivery["pms_config"]),
            FactsReader(self.app.engine, int(delivery["agency_id"])),
            self.app.files,
            learned=learned,
        )
        return sender.send(event, again=again)

    def _writer(self, connection_id: int, kind: ConnectorKind, config: Any) -> WorkOrders:
        with self._lock:
            cached = self._writers.get(connection_id)
            if cached is not None and cached[0] == config:
                return cached[1]
            if cached is not None:
                cached[1].close()
            assert kind.outbound is not None
            writer = kind.outbound(kind.config_model.model_validate(config))
            self._writers[connection_id] = (config, writer)
            return writer
