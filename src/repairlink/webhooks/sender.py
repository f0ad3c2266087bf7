"""Send one event to one subscription, signed (S-02), and say what came of it: 2xx is success;
a redirect is a failure (never followed); 410 Gone disables the subscription; 429/502/503/504
ask us to slow down, honouring Retry-After."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx
import orjson
import sqlalchemy as sa

from repairlink.domain.delivery import Outcome
from repairlink.egress.transport import AddressRefused, guarded_client
from repairlink.pms.http import retry_after
from repairlink.store.db import reading
from repairlink.store.outbound_tables import webhook_subscriptions
from repairlink.webhooks import signing
from repairlink.webhooks.address_guard import policy

THROTTLED = {429, 502, 503, 504}


def message_id(event_id: int) -> str:
    """Stable across retries and replays: the receiver de-duplicates on it."""
    return f"evt_{event_id}"


def body_of(event: Mapping[str, Any]) -> bytes:
    created: datetime = event["created_at"]
    return orjson.dumps(
        {
            "type": event["event_type"],
            "timestamp": created.isoformat(),
            "data": {
                "event_id": message_id(int(event["id"])),
                event["aggregate_kind"] + "_id": event["aggregate_id"],
                **event["payload"],
            },
        }
    )


class WebhookSender:
    def __init__(
        self,
        engine: sa.Engine,
        *,
        allow_private: bool,
        timeout_s: float,
        allow_loopback: bool = False,
    ) -> None:
        self.engine = engine
        # every send resolves once, checks, and connects to what it checked (egress/)
        self.http = guarded_client(
            timeout_s, policy(allow_private=allow_private, allow_loopback=allow_loopback)
        )

    def close(self) -> None:
        self.http.close()

    def send(self, delivery: Mapping[str, Any], event: Mapping[str, Any], now: datetime) -> Outcome:
        w = webhook_subscriptions.c
        with reading(self.engine) as conn:
            sub = conn.execute(
                sa.select(w.url, w.secret, w.active).where(w.id == delivery["target_id"])
            ).first()
        if sub is None or not sub.active:
            return Outcome.skip("The subscription is paused or gone")
        body = body_of(event)
        headers = signing.headers(
            sub.secret, message_id(int(event["id"])), int(now.timestamp()), body
        )
        try:
            response = self.http.post(sub.url, content=body, headers=headers)
        except AddressRefused as exc:
            return Outcome.failed(f"Webhook URL refused: {exc}", terminal=True)
        except httpx.TimeoutException:
            return Outcome.failed("The endpoint did not answer in time")
        except httpx.TransportError as exc:
            return Outcome.failed(f"Could not reach the endpoint: {exc}")
        code = response.status_code
        if 200 <= code < 300:
            return Outcome.sent(status_code=code)
        if code == 410:
            self._disable(int(delivery["target_id"]), "The endpoint answered 410 Gone")
            return Outcome.failed(
                "410 Gone: subscription disabled", status_code=code, terminal=True
            )
        return Outcome.failed(
            f"The endpoint answered {code}",
            status_code=code,
            retry_after=retry_after(response.headers.get("Retry-After"))
            if code in THROTTLED
            else None,
        )

    def _disable(self, subscription_id: int, reason: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(webhook_subscriptions)
                .where(webhook_subscriptions.c.id == subscription_id)
                .values(active=False, disabled_reason=reason)
            )
