"""Agencies' webhook subscriptions (S-02): a URL, the event types it wants, and its secret,
which is shown once, when subscribing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from repairlink.domain.events import EVENT_TYPES
from repairlink.errors import InvalidError, NotFoundError
from repairlink.store.outbound_tables import webhook_subscriptions
from repairlink.store.uow import UnitOfWork
from repairlink.webhooks.address_guard import check_url
from repairlink.webhooks.signing import new_secret

Row = dict[str, Any]
PUBLIC = ("id", "url", "event_types", "description", "active", "disabled_reason", "created_at")


def _check_patterns(patterns: list[str]) -> list[str]:
    if not patterns:
        raise InvalidError(
            "webhook.no_event_types", "Choose at least one event type", field="event_types"
        )
    families = {name.split(".")[0] for name in EVENT_TYPES}
    for pattern in patterns:
        known = (
            pattern == "*"
            or pattern in EVENT_TYPES
            or (pattern.endswith(".*") and pattern[:-2] in families)
        )
        if not known:
            raise InvalidError(
                "webhook.unknown_event_type",
                f"No event type '{pattern}' (e.g. issue.closed, issue.*, or *)",
                field="event_types",
                rule="S-02",
            )
    return sorted(set(patterns))


def subscribe(
    uow: UnitOfWork,
    *,
    url: str,
    event_types: list[str],
    description: str,
    allow_private: bool,
    allow_loopback: bool = False,
) -> tuple[Row, str]:
    """Answers the subscription and its secret (whsec_...), which is not shown again."""
    check_url(url, allow_private=allow_private, allow_loopback=allow_loopback)
    patterns = _check_patterns(event_types)
    secret = new_secret()
    with uow:
        conn = uow.session.connection()
        new_id = conn.execute(
            sa.insert(webhook_subscriptions)
            .values(
                agency_id=uow.agency,
                url=url,
                event_types=patterns,
                secret=secret,
                description=description,
                active=True,
                created_at=uow.now(),
            )
            .returning(webhook_subscriptions.c.id)
        ).scalar_one()
        row = _get(uow, int(new_id))
        uow.commit()
    return row, secret


def _get(uow: UnitOfWork, subscription_id: int) -> Row:
    w = webhook_subscriptions.c
    found = (
        uow.session.connection()
        .execute(
            sa.select(*(w[name] for name in PUBLIC)).where(
                w.id == subscription_id, w.agency_id == uow.agency
            )
        )
        .mappings()
        .first()
    )
    if found is None:
        raise NotFoundError(
            "webhook.not_found", f"No webhook subscription {subscription_id}", field="id"
        )
    return dict(found)


def get(uow: UnitOfWork, subscription_id: int) -> Row:
    with uow.reading():
        return _get(uow, subscription_id)


def list_all(uow: UnitOfWork) -> list[Row]:
    w = webhook_subscriptions.c
    with uow.reading():
        rows = uow.session.connection().execute(
            sa.select(*(w[name] for name in PUBLIC)).where(w.agency_id == uow.agency).order_by(w.id)
        )
        return [dict(r) for r in rows.mappings()]


def set_active(uow: UnitOfWork, subscription_id: int, active: bool, reason: str | None) -> Row:
    """Pause (or resume) a subscription; its history stays readable."""
    with uow:
        _get(uow, subscription_id)
        uow.session.connection().execute(
            sa.update(webhook_subscriptions)
            .where(webhook_subscriptions.c.id == subscription_id)
            .values(active=active, disabled_reason=None if active else reason)
        )
        row = _get(uow, subscription_id)
        uow.commit()
    return row
