"""Seal every stored secret again with the first key (key rotation, docs/security.md): PMS
connections' secret settings and webhook secrets, including any stored in clear before."""

from __future__ import annotations

import sqlalchemy as sa
from pydantic import SecretStr

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.store import sealing
from repairlink.store.outbound_tables import webhook_subscriptions
from repairlink.store.sync_tables import connections


def secret_fields(system: str) -> set[str]:
    """The connector's settings typed SecretStr: sealed at rest, never shown."""
    kind = REGISTRY.get(system)
    if kind is None:
        return set()
    return {n for n, f in kind.config_model.model_fields.items() if f.annotation is SecretStr}


def reseal(app: App) -> tuple[int, int]:
    """(connections, webhook subscriptions) sealed again, in one transaction."""
    keyring = sealing.keyring()
    c, w = connections.c, webhook_subscriptions.c
    with app.engine.begin() as conn:
        rows = conn.execute(sa.select(c.id, c.system, c.config)).all()  # opened as read
        for row in rows:
            config = dict(row.config)
            for name in secret_fields(row.system) & set(config):
                if isinstance(config[name], str) and config[name]:
                    config[name] = keyring.seal(config[name])
            conn.execute(sa.update(connections).where(c.id == row.id).values(config=config))
        hooks = conn.execute(sa.select(w.id, w.secret)).all()
        for hook in hooks:  # written back, sealed with the first key by the column type
            conn.execute(
                sa.update(webhook_subscriptions).where(w.id == hook.id).values(secret=hook.secret)
            )
    return len(rows), len(hooks)
