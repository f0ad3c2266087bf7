"""Secrets at rest: PMS credentials and webhook secrets are sealed with Fernet (AES-128-CBC and
HMAC-SHA256, from `cryptography`) before they reach the database, and opened when read.

Keys come from settings (`REPAIRLINK_SECRET_KEYS`, comma-separated, newest first; or the key
file, `var/secret.key` by default). The first key seals; any of them opens (MultiFernet), so a
new key is put first, `repairlink keys reencrypt` seals everything again with it, and the old
key is then dropped. Outside development the service refuses to start without a key.

The keyring is the process's (set once by `bootstrap.build`): the column types below read it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from repairlink.settings import Settings

PREFIX = "sealed:"


class MissingKeyError(RuntimeError):
    """No key to seal secrets with, outside development."""


class Keyring:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise MissingKeyError("No secret key given")
        self.fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys])

    def seal(self, text: str) -> str:
        return PREFIX + self.fernet.encrypt(text.encode()).decode()

    def open(self, value: str) -> str:
        """A sealed value in clear; a value stored before sealing is answered as it is."""
        if not is_sealed(value):
            return value
        try:
            return self.fernet.decrypt(value[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise MissingKeyError(
                "A stored secret does not open with any key in REPAIRLINK_SECRET_KEYS"
            ) from exc


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


_keyring: Keyring | None = None


def use(keyring: Keyring) -> None:
    global _keyring
    _keyring = keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise MissingKeyError("No secret key loaded (bootstrap.build loads it)")
    return _keyring


def new_key() -> str:
    return Fernet.generate_key().decode()


def make_key_file(path: Path) -> bool:
    """Write a new key to `path` (readable by its owner only) unless one is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as out:
        out.write(new_key() + "\n")
    return True


def load_keys(settings: Settings) -> Keyring:
    """The keys of the settings, else of the key file; in development a key file is made."""
    configured = settings.secret_keys.get_secret_value()
    if not configured.strip():
        path = settings.secret_key_file
        if not path.exists() and settings.is_development:
            make_key_file(path)
        if not path.exists():
            raise MissingKeyError(
                "No secret key: set REPAIRLINK_SECRET_KEYS (make one with `repairlink keys "
                f"new`) or put one in {path}. PMS credentials and webhook secrets are sealed "
                "with it."
            )
        configured = path.read_text()
    keys = [k.strip() for k in configured.replace("\n", ",").split(",") if k.strip()]
    return Keyring(keys)


class SealedText(sa.TypeDecorator[str]):
    """A string column kept sealed: sealed when written, opened when read."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        if value is None or is_sealed(value):
            return value
        return keyring().seal(value)

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else keyring().open(value)


class SealedJson(sa.TypeDecorator[Any]):
    """Settings as JSON whose sealed values (written sealed by who knows which are secret: the
    connector's typed config) are opened when read."""

    impl = sa.JSON
    cache_ok = True

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        return opened_json(value)


def opened_json(value: Any) -> Any:
    """Settings as a SealedJson column stores them, their sealed values opened. A query that
    reads the column as plain JSON (`sa.type_coerce(column, sa.JSON)`) opens them only when it
    must: a sender claims each delivery with its connection's settings, and opens them only
    to make a client, not once a delivery."""
    if not isinstance(value, dict):
        return value
    return {k: keyring().open(v) if is_sealed(v) else v for k, v in value.items()}
