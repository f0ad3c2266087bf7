"""Alembic, driven from code: upgrade, and the start-up check that refuses an old schema."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from repairlink.errors import RepairlinkError
from repairlink.store.db import ensure_sqlite_folder

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class NotMigratedError(RepairlinkError):
    pass


def require_migrated(engine: sa.Engine) -> None:
    """Refuse to serve an unmigrated or out-of-date database, saying what to run."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise NotMigratedError(
            "db.not_migrated",
            f"The database at {engine.url.render_as_string(hide_password=True)} is at revision "
            f"{current or 'none'}, the code needs {head}. Run `repairlink db upgrade` first.",
        )
