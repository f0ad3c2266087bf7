"""`repairlink keys`: the keys that seal PMS credentials and webhook secrets (docs/security.md)."""

from __future__ import annotations

import typer
from rich.console import Console

from repairlink.settings import Settings

keys_cli = typer.Typer(
    help="Keys that seal stored secrets (PMS credentials, webhook secrets).", no_args_is_help=True
)
out = Console(soft_wrap=True)


@keys_cli.command("new")
def keys_new() -> None:
    """Print a new key. Put it first in REPAIRLINK_SECRET_KEYS, then run `keys reencrypt`."""
    from repairlink.store.sealing import new_key

    out.print(new_key())


@keys_cli.command("init")
def keys_init() -> None:
    """Make the key file (REPAIRLINK_SECRET_KEY_FILE, var/secret.key) unless keys are set."""
    from repairlink.store.sealing import make_key_file

    settings = Settings()
    if settings.secret_keys.get_secret_value().strip():
        out.print("Keys come from REPAIRLINK_SECRET_KEYS: no key file needed")
    elif make_key_file(settings.secret_key_file):
        out.print(f"[green]Made a key[/] in {settings.secret_key_file} (keep it safe)")
    else:
        out.print(f"Key file {settings.secret_key_file} is already there")


@keys_cli.command("reencrypt")
def keys_reencrypt() -> None:
    """Seal every stored secret again with the first key (after adding a new key first)."""
    from repairlink.bootstrap import build
    from repairlink.jobs.reseal import reseal

    found, hooks = reseal(build(Settings()))
    out.print(f"[green]Sealed again[/] with the first key: {found} connections, {hooks} webhooks")
