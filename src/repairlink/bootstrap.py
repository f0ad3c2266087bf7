"""The one place that wires settings, database, file store. API, CLI and tests all call build()."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from repairlink.domain.actors import Actor
from repairlink.services.files import FileStore
from repairlink.settings import Settings
from repairlink.store.db import make_engine, make_session_factory
from repairlink.store.migrate import require_migrated
from repairlink.store.uow import UnitOfWork


@dataclass
class App:
    settings: Settings
    engine: sa.Engine
    sessions: sessionmaker[Session]
    files: FileStore

    def uow(self, actor: Actor, agency_id: int | None = None) -> UnitOfWork:
        return UnitOfWork(self.sessions, actor=actor, agency_id=agency_id)

    def close(self) -> None:
        self.engine.dispose()


def build(settings: Settings, *, check_migrated: bool = True) -> App:
    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    if check_migrated:
        require_migrated(engine)
    return App(settings, engine, make_session_factory(engine), FileStore(settings.files_dir))
