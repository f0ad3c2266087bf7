"""Settings, read once at start-up from REPAIRLINK_* variables and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPAIRLINK_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/repairlink.db",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    files_dir: Path = Field(default=Path("var/files"), description="Where uploaded documents live")
    host: str = "127.0.0.1"
    port: int = 8000
    sql_echo: bool = False
