"""Run one agency's sync with one PMS: load the connection, build its connector, run the
engine. The CLI, the API and the schedulers all call this."""

from __future__ import annotations

from typing import Any

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.domain.actors import Actor
from repairlink.errors import ConflictError, InvalidError
from repairlink.inbound.engine import Progress, SyncEngine
from repairlink.inbound.run_state import RunState
from repairlink.jobs.background import Work, start_once
from repairlink.pms.retry import RetryPolicy
from repairlink.services import connections


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
    return connections.save_connection(app.uow(Actor.system("connect"), agency_id), system, stored)


def _engine(
    app: App, agency_id: int, system: str, progress: Progress | None, retry: RetryPolicy | None
) -> SyncEngine:
    kind = connector_kind(system)
    connection = connections.get_connection(app.uow(Actor.system("sync"), agency_id), system)
    config = kind.config_model.model_validate(connection["config"])
    rules_view = config.rules_view() if hasattr(config, "rules_view") else connection["config"]
    return SyncEngine(
        app.engine,
        kind.build(config),
        agency_id=agency_id,
        connection_id=connection["id"],
        config=rules_view,
        retry=retry,
        progress=progress,
        commit_every_s=app.settings.sync_commit_every_s,
    )


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
    """Run to the end in this thread (the CLI, tests, schedulers)."""
    engine = _engine(app, agency_id, system, progress, retry)
    try:
        return engine.run(full=full, dry_run=dry_run)
    finally:
        engine.connector.close()


def start_sync(
    app: App, agency_id: int, system: str, *, full: bool = False, dry_run: bool = False
) -> int:
    """Start a run in a background thread and answer its id at once ("Sync now" in the API).
    One run per agency and PMS at a time in this process."""
    busy = ConflictError(
        "sync.already_running",
        f"A {system} sync is already running",
        field="connector",
        rule="S-03",
    )

    def begin() -> tuple[int, Work]:
        engine = _engine(app, agency_id, system, None, None)
        state = engine.begin(full=full, dry_run=dry_run)

        def work() -> None:
            try:
                engine.execute(state, dry_run=dry_run)
            finally:
                engine.connector.close()

        return state.run_id, work

    return start_once(("sync", agency_id, system), busy, begin, f"sync-{system}")
