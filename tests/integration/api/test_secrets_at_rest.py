"""Secrets at rest (docs/security.md): a PMS connection's client secret and webhook secrets are
sealed with Fernet before they reach the database (absent from the SQLite file's bytes), still
work (a sync against the Alto simulator over HTTP), are masked in every answer, and are sealed
again with a new key by `keys reencrypt`; without a key, production refuses to start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from repairlink.bootstrap import App
from repairlink.jobs.reseal import reseal
from repairlink.settings import Settings
from repairlink.simulators.alto import running_alto
from repairlink.simulators.alto.server import RunningAlto
from repairlink.store import sealing
from tests.integration.api.conftest import Client
from tests.integration.api.test_sync_api import _connect, _finished


@pytest.fixture
def sim() -> Iterator[RunningAlto]:
    with running_alto(seed=5, units=10) as running:
        yield running


def _raw(app: App, sql: str, **params: object) -> list[str]:
    with app.engine.connect() as conn:
        return [str(v) for v in conn.execute(sa.text(sql), params).scalars()]


_READ_FILES = (
    "import pathlib, sys; sys.stdout.buffer.write(b''.join("
    "pathlib.Path(p).read_bytes() for p in sys.argv[1:] if pathlib.Path(p).exists()))"
)


def _database_bytes(app: App) -> bytes:
    """The SQLite file and its log, read by another process. Opened and closed in this one,
    the file would lose every POSIX lock this process's connections hold on it (SQLite's
    "How To Corrupt", 2.2): a later process closing its last connection would then take the
    database for its own, checkpoint and delete the log under this process's connections, and
    the session's database would be malformed (seen in test_kill_and_resume.py)."""
    path = str(sa.make_url(app.settings.database_url).database)
    read = [sys.executable, "-c", _READ_FILES, path, f"{path}-wal"]
    return subprocess.run(read, check=True, capture_output=True).stdout


def test_pms_and_webhook_secrets_are_sealed_in_the_database_and_still_work(
    app: App, staff: Client, sim: RunningAlto, agency_id: int
) -> None:
    shown = _connect(staff, sim)
    assert shown["config"]["client_secret"] == "********"
    hook = staff.ok(
        "POST", "/webhooks", 201, json={"url": "http://93.184.216.34/hook", "event_types": ["*"]}
    )
    webhook_secret = hook["secret"]
    listed = staff.ok("GET", "/webhooks")
    items = listed["items"] if isinstance(listed, dict) else listed  # {items} or a bare list
    assert all("secret" not in h for h in items)

    configs = _raw(
        app, "SELECT CAST(config AS TEXT) FROM connections WHERE agency_id = :a", a=agency_id
    )
    secrets = _raw(app, "SELECT secret FROM webhook_subscriptions WHERE id = :i", i=hook["id"])
    assert sim.client_secret not in configs[0]
    assert '"client_secret": "sealed:' in configs[0].replace('":"', '": "')
    assert secrets[0].startswith("sealed:")
    assert webhook_secret not in secrets[0]
    if app.engine.dialect.name == "sqlite":
        stored = _database_bytes(app)
        assert sim.client_secret.encode() not in stored
        assert webhook_secret.encode() not in stored

    run = _finished(staff, staff.ok("POST", "/connections/alto/runs", 202, json={})["run_id"])
    assert run["status"] == "succeeded", run  # the sealed secret opened for the PMS


@pytest.fixture
def keyring_restored(app: App) -> Iterator[None]:
    """The test's keys put back, and every secret of the session's database (other tests'
    connections too) sealed with them again: later tests open them."""
    before = sealing.keyring()
    yield
    sealing.use(sealing.Keyring([os.environ["REPAIRLINK_SECRET_KEYS"], *_test_keys_seen]))
    reseal(app)
    sealing.use(before)


_test_keys_seen: list[str] = []


def test_keys_rotate_and_reencrypt_seals_with_the_new_one(
    app: App, staff: Client, sim: RunningAlto, agency_id: int, keyring_restored: None
) -> None:
    _connect(staff, sim)
    old = os.environ["REPAIRLINK_SECRET_KEYS"]
    new = sealing.new_key()
    _test_keys_seen.append(new)
    sealing.use(sealing.Keyring([new, old]))
    reseal(app)
    sealing.use(sealing.Keyring([new]))  # the old key dropped: everything opens with the new
    (config,) = _raw(
        app, "SELECT CAST(config AS TEXT) FROM connections WHERE agency_id = :a", a=agency_id
    )
    sealed = json.loads(config)["client_secret"]
    assert sim.client_secret not in config
    assert sealing.keyring().open(sealed) == sim.client_secret
    with pytest.raises(InvalidToken):  # sealed with the new key, not the old one
        Fernet(old.encode()).decrypt(sealed.removeprefix(sealing.PREFIX).encode())
    listed = staff.ok("GET", "/connections")
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [c["config"]["client_secret"] for c in items] == ["********"]


def test_production_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    settings = Settings(
        environment="production", secret_keys="", secret_key_file=tmp_path / "none.key"
    )
    with pytest.raises(sealing.MissingKeyError, match="REPAIRLINK_SECRET_KEYS"):
        sealing.load_keys(settings)
    env = {
        **os.environ,
        "REPAIRLINK_ENVIRONMENT": "production",
        "REPAIRLINK_SECRET_KEYS": "",
        "REPAIRLINK_SECRET_KEY_FILE": str(tmp_path / "none.key"),
        "REPAIRLINK_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    started = subprocess.run(
        [sys.executable, "-m", "repairlink", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 1
    assert "No secret key" in started.stderr


def test_development_makes_a_key_file_readable_by_its_owner_only(tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "secret.key"
    settings = Settings(environment="development", secret_keys="", secret_key_file=key_file)
    keyring = sealing.load_keys(settings)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert keyring.open(keyring.seal("x")) == "x"
    assert sealing.load_keys(settings).open(keyring.seal("y")) == "y"  # the same key again
