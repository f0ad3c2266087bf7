"""Run one agency's sync with one PMS: load the connection, build its connector, run the
engine. The CLI, the API and the schedulers all call this."""

from __future__ import annotations

from typing import Any

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.domain.actors import Actor
from repairlink.errors import InvalidError
from repairlink.sync import runs
from repairlink.sync.engine import Progress, RunState, SyncEngine
from repairlink.sync.retry import RetryPolicy


def connector_kind(system: str) -> Any:
    if system not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise InvalidError(
            "connection.unknown_system",
            f"No connector '{system}' (known: {known})",
            field="connector",
        )
    return REGISTRY[system]


def connect(app: App, agency_id: int, system: str, settings: dict[str, Any]) -> int:
    """Validate the settings against the connector's typed config, then save them."""
    kind = connector_kind(system)
    config = kind.config_model.model_validate(settings)
    stored = config.model_dump(mode="json")
    for name, value in config:  # keep secrets usable: SecretStr dumps as '**********'
        if hasattr(value, "get_secret_value"):
            stored[name] = value.get_secret_value()
    return runs.save_connection(app.uow(Actor.system("connect"), agency_id), system, stored)


def run_sync(
    app: App,
    agency_id: int,
    system: str,
    *,
    full: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
) -> RunState:
    kind = connector_kind(system)
    connection = runs.get_connection(app.uow(Actor.system("sync"), agency_id), system)
    config = kind.config_model.model_validate(connection["config"])
    connector = kind.build(config)
    rules_view = config.rules_view() if hasattr(config, "rules_view") else connection["config"]
    try:
        engine = SyncEngine(
            app.engine,
            connector,
            agency_id=agency_id,
            connection_id=connection["id"],
            config=rules_view,
            retry=retry,
            progress=progress,
        )
        return engine.run(full=full, dry_run=dry_run)
    finally:
        connector.close()
