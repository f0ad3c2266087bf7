"""Settings, read once at start-up from REPAIRLINK_* variables and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# PostgreSQL connections a process keeps, and may open beyond them at busy moments (the
# defaults of the settings below, and of `store.db.make_engine` for engines made without them)
DATABASE_POOL_SIZE = 20
DATABASE_POOL_OVERFLOW = 20
# argon2's parameters for passwords and API keys (services/hashing.py)
PasswordHashing = Literal["standard", "cheapest"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPAIRLINK_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/repairlink.db",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    files_dir: Path = Field(default=Path("var/files"), description="Where uploaded documents live")
    # Documents in an S3-compatible bucket instead, for workers on several machines
    files_s3_bucket: str = Field(default="", description="S3 bucket for documents ('': files_dir)")
    files_s3_prefix: str = Field(default="", description="Key prefix inside the bucket")
    files_s3_endpoint_url: str = Field(default="", description="S3-compatible endpoint ('': AWS)")
    files_s3_region: str = Field(default="", description="The bucket's region ('': boto3's)")
    log_json: bool = Field(default=True, description="Logs as JSON lines (false: for people)")
    host: str = "127.0.0.1"
    port: int = 8000
    sql_echo: bool = False
    # Every thread that works on the database holds a connection; the API's threads (up to 40)
    # and a worker's jobs. Connections past the pool's size are opened for one use and closed:
    # on PostgreSQL that is a new server process each time (bench/outbound.py: 5 a second).
    database_pool_size: int = Field(
        default=DATABASE_POOL_SIZE,
        ge=1,
        description="PostgreSQL: connections each process keeps open for reuse once it has "
        "needed them (opened as needed, never ahead)",
    )
    database_pool_overflow: int = Field(
        default=DATABASE_POOL_OVERFLOW,
        ge=0,
        description="PostgreSQL: connections a process may open beyond the pool at busy "
        "moments, each closed after its use",
    )
    runner: Literal["embedded", "procrastinate", "none"] = Field(
        default="embedded",
        description="Who sends outbox events and runs schedules: a thread inside `serve` "
        "(embedded), `repairlink worker` processes on PostgreSQL (procrastinate), or nobody "
        "(none: tests and one-off commands)",
    )
    delivery_lease_s: float = Field(
        default=60.0, gt=0, description="How long a worker holds a delivery before another may"
    )
    # long enough that commits cost little, short enough that other writers (the API,
    # deliveries) on SQLite's single write lock barely wait
    sync_commit_every_s: float = Field(
        default=0.25,
        ge=0,
        description="How long one sync transaction takes pages for before it commits them with "
        "their checkpoint: longer is faster, shorter lets other writers in sooner (0: each page)",
    )
    sync_commit_at_most_s: float = Field(
        default=1.0,
        ge=0,
        description="How long one sync transaction may go on taking pages that are ready while "
        "no other writer waits for the database (SQLite): fewer commits write fewer pages",
    )
    webhook_timeout_s: float = Field(default=15.0, gt=0, description="Wait for a webhook answer")
    webhooks_allow_private: bool = Field(
        default=False,
        description="Allow webhook URLs on private and loopback addresses (tests, demos)",
    )

    # Mail (docs/notifications.md): empty smtp_host and no catcher means no mail is queued.
    smtp_host: str = Field(default="", description="The SMTP server that sends mail ('': none)")
    smtp_port: int = Field(default=587, description="Its port")
    smtp_user: str = Field(default="", description="Log in to it as ('': no login)")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="With this password")
    smtp_tls: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="STARTTLS, TLS from the start (ssl), or none"
    )
    smtp_timeout_s: float = Field(default=15.0, gt=0, description="Wait for the SMTP server")
    mail_from: str = Field(
        default="repairs@repairlink.invalid",
        description="The From address; the display name is the agency's",
    )
    mail_catch: bool = Field(
        default=False,
        description="Catch mail in `serve` (an SMTP server on 127.0.0.1 inside the process) and "
        "show it on the console's Mail page instead of sending it on",
    )
    mail_catch_port: int = Field(
        default=0, ge=0, description="Port of the in-process catcher (0: any free port)"
    )
    public_url: str = Field(
        default="", description="The console's address in links sent by mail ('': host:port)"
    )

    # Security (docs/security.md)
    environment: Literal["development", "production"] = Field(
        default="production",
        description="development (`make run`, tests): a key is made under ./var when none is "
        "set, and the session cookie may go over plain http; production needs a key",
    )
    secret_keys: SecretStr = Field(
        default=SecretStr(""),
        description="Fernet keys, comma-separated, newest first: the first seals PMS "
        "credentials and webhook secrets, any opens them (`repairlink keys new`)",
    )
    secret_key_file: Path = Field(
        default=Path("var/secret.key"),
        description="Where the keys are read from when secret_keys is empty",
    )
    password_hashing: PasswordHashing = Field(
        default="standard",
        description="argon2's parameters for passwords and API keys: standard (RFC 9106's "
        "low-memory profile), or cheapest for test suites (refused outside development)",
    )
    login_limit_per_account: str = Field(
        default="10/minute", description="Failed logins an e-mail address may have"
    )
    login_limit_per_client: str = Field(
        default="30/minute", description="Failed logins one client address may have"
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where login counts live (a `limits` storage URI; redis://... for several "
        "service processes)",
    )
    max_json_bytes: int = Field(
        default=1024 * 1024, gt=0, description="Largest JSON or form body (413 beyond)"
    )
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, gt=0, description="Largest file in a multipart body"
    )
    max_request_bytes: int = Field(
        default=25 * 1024 * 1024, gt=0, description="Largest multipart body, all files together"
    )
    outbound_allow_loopback: bool | None = Field(
        default=None,
        description="Let PMS connections and webhooks call 127.0.0.1 and ::1 (simulators, "
        "tests); unset: PMS connections may in development only, webhooks may not",
    )

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host) or self.mail_catch

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def allows_loopback(self) -> bool:
        if self.outbound_allow_loopback is None:
            return self.is_development
        return self.outbound_allow_loopback

    @property
    def webhooks_allow_loopback(self) -> bool:
        """Webhooks reach loopback only when allowed outright (not by development alone: an
        agency's receivers are elsewhere)."""
        return bool(self.outbound_allow_loopback)

    @property
    def console_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
