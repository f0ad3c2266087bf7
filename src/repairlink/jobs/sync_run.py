"""Run one agency's sync with one PMS: load the connection, build its connector, run the
engine. The CLI, the API and the schedulers all call this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import AnyUrl, BaseModel

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.domain.actors import Actor
from repairlink.egress import guard
from repairlink.errors import ConflictError, InvalidError
from repairlink.inbound.engine import Progress, SyncEngine
from repairlink.inbound.run_state import RunState
from repairlink.jobs.background import Work, start_once
from repairlink.jobs.use_cases import use_cases
from repairlink.pms.profile import ConfigRule, Profile, Schedule, Unsupported
from repairlink.pms.retry import RetryPolicy
from repairlink.services import connections
from repairlink.store import sealing


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
    """Validate the settings against the connector's typed config and its profile's rules about
    settings (ConfigRule), then save them."""
    kind = connector_kind(system)
    config = kind.config_model.model_validate(settings)
    stored = config.model_dump(mode="json")
    check_settings(kind.profile, stored)
    check_addresses(config)
    for name, value in config:  # secrets sealed: SecretStr dumps as '**********'
        if hasattr(value, "get_secret_value"):
            stored[name] = sealing.keyring().seal(value.get_secret_value())
    return connections.save_connection(app.uow(Actor.system("connect"), agency_id), system, stored)


def check_addresses(config: BaseModel) -> None:
    """Every address in the settings (a base_url) through the egress guard: a PMS connection
    never points into our own network (the client secret would be sent there)."""
    for name, value in config:
        if isinstance(value, AnyUrl):
            guard.check_url(str(value), guard.default_policy(), field=name)


def check_settings(profile: Profile, settings: dict[str, Any]) -> None:
    """A connection's settings against each of the profile's rules about them (PW-01)."""
    declared: list[ConfigRule] = profile.of(ConfigRule)
    for rule in declared:
        problem = rule.check(settings)
        if problem:
            raise InvalidError(
                "connection.settings_refused", problem, field=rule.field, rule=rule.rule
            )


@dataclass(frozen=True)
class ConnectorInfo:
    """What a connector does, as the console and the API tell it to people."""

    system: str
    title: str
    schedules: list[tuple[tuple[str, ...], str]]  # the kinds each schedule syncs, and when
    unsupported: list[tuple[str, str]]  # (what, the message for people): never an error (PX-08)


def connector_info(system: str) -> ConnectorInfo:
    kind = connector_kind(system)
    profile: Profile = kind.profile
    schedules: list[Schedule] = profile.of(Schedule)
    missing: list[Unsupported] = profile.of(Unsupported)
    return ConnectorInfo(
        system,
        kind.title,
        [(s.kinds, s.describe()) for s in schedules],
        [(u.what, u.message) for u in missing],
    )


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
        commit_at_most_s=app.settings.sync_commit_at_most_s,
        use_cases=use_cases(app),
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
    schedule: Schedule | None = None,
) -> RunState:
    """Run to the end in this thread (the CLI, tests, schedulers); for `schedule`'s kinds, or
    for every kind (None)."""
    engine = _engine(app, agency_id, system, progress, retry)
    try:
        return engine.run(full=full, dry_run=dry_run, schedule=schedule)
    finally:
        engine.connector.close()


def start_sync(
    app: App,
    agency_id: int,
    system: str,
    *,
    full: bool = False,
    dry_run: bool = False,
    schedule: Schedule | None = None,
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
        state = engine.begin(full=full, dry_run=dry_run, schedule=schedule)

        def work() -> None:
            try:
                engine.execute(state, dry_run=dry_run)
            finally:
                engine.connector.close()

        return state.run_id, work

    return start_once(("sync", agency_id, system), busy, begin, f"sync-{system}")
