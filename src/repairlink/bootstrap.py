"""The one place that wires settings, database, file store. API, CLI and tests all call build()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from repairlink.connectors import REGISTRY
from repairlink.domain.actors import Actor
from repairlink.domain.audit import OutboxEvent
from repairlink.egress import guard
from repairlink.mail.recipients import mail_fan_out
from repairlink.outbound.fanout import fan_out, fan_out_many
from repairlink.outbound.issue_out import wants
from repairlink.services import hashing
from repairlink.services.files import FileStore, LocalFileStore, S3FileStore
from repairlink.services.login_throttle import LoginThrottle
from repairlink.settings import Settings
from repairlink.store import sealing
from repairlink.store.db import make_engine, make_session_factory
from repairlink.store.migrate import require_migrated
from repairlink.store.uow import FanOut, UnitOfWork


def _pms_wants(system: str, event_type: str, aggregate_kind: str) -> bool:
    kind = REGISTRY.get(system)
    return kind is not None and wants(kind.profile, event_type, aggregate_kind)


# Every event goes to the connections whose PMS takes it, and to matching webhooks (S-01, S-02)
FAN_OUT = fan_out(_pms_wants)
FAN_OUT_MANY = fan_out_many(_pms_wants)  # the same, for a page of events (UnitOfWork.emit_many)


def with_mail(session: Session, event: OutboxEvent) -> None:
    """... and, when mail is set up, to the people it concerns (docs/notifications.md)."""
    FAN_OUT(session, event)
    mail_fan_out(session, event)


@dataclass
class App:
    settings: Settings
    engine: sa.Engine
    sessions: sessionmaker[Session]
    files: FileStore
    # told after each commit that wrote outbox events: the runners wake up and send them
    event_listeners: list[Callable[[], None]] = field(default_factory=list)
    fan_out: FanOut = FAN_OUT
    # failed logins per account and per client address (docs/security.md)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)

    def uow(self, actor: Actor, agency_id: int | None = None) -> UnitOfWork:
        return UnitOfWork(
            self.sessions,
            actor=actor,
            agency_id=agency_id,
            fan_out=self.fan_out,
            on_events=self._events_written,
        )

    def uow_on(self, conn: sa.Connection, actor: Actor, agency_id: int) -> UnitOfWork:
        """A unit of work inside a transaction already open on `conn` (a sync's): its commit
        releases a savepoint, and the events it writes commit with that transaction."""
        sessions = sessionmaker(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        return UnitOfWork(
            sessions,
            actor=actor,
            agency_id=agency_id,
            fan_out=FAN_OUT,
            fan_out_many=FAN_OUT_MANY,
            on_events=self._events_written,
        )

    def _events_written(self) -> None:
        for listener in list(self.event_listeners):
            listener()

    def close(self) -> None:
        self.engine.dispose()


def file_store(settings: Settings) -> FileStore:
    if settings.files_s3_bucket:
        return S3FileStore(
            settings.files_s3_bucket,
            prefix=settings.files_s3_prefix,
            endpoint_url=settings.files_s3_endpoint_url,
            region=settings.files_s3_region,
        )
    return LocalFileStore(settings.files_dir)


def build(settings: Settings, *, check_migrated: bool = True) -> App:
    # PMS credentials and webhook secrets are sealed with these keys (refused without one
    # outside development: MissingKeyError)
    sealing.use(sealing.load_keys(settings))
    # argon2's parameters (the test suite's cheapest are refused outside development, before
    # the address policy below is changed)
    hashing.use(settings.password_hashing, development=settings.is_development)
    # the addresses PMS connections may call (webhooks' policy goes with their sender)
    guard.configure(guard.Policy(allow_loopback=settings.allows_loopback))
    engine = make_engine(
        settings.database_url,
        echo=settings.sql_echo,
        pool_size=settings.database_pool_size,
        pool_overflow=settings.database_pool_overflow,
    )
    if check_migrated:
        require_migrated(engine)
    app = App(settings, engine, make_session_factory(engine), file_store(settings))
    app.login_throttle = LoginThrottle(
        settings.login_limit_per_account,
        settings.login_limit_per_client,
        settings.rate_limit_storage,
    )
    if settings.mail_enabled:
        app.fan_out = with_mail
    return app
