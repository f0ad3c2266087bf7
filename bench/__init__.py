"""Benchmarks, run as modules from the project's root: `uv run python -m bench.sync_alto`.

A benchmark is local development: a key under ./var seals the connections' secrets, and the
simulators on 127.0.0.1 may be called (docs/security.md).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from repairlink.bootstrap import App

os.environ.setdefault("REPAIRLINK_ENVIRONMENT", "development")


def scratch(prefix: str) -> Path:
    """A folder for one run's database and files, removed when the run ends (a 100k-unit
    sync leaves some 270 MB); REPAIRLINK_BENCH_KEEP=1 keeps it to look into."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if not os.environ.get("REPAIRLINK_BENCH_KEEP"):
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def migrated_app(workdir: Path, database: str | None = None, name: str = "bench.db") -> App:
    """The hub on `database`, or on a new SQLite file `name` in `workdir`, migrated; its files
    in `workdir`."""
    # imported here: the environment above is set before the hub reads it
    from repairlink.bootstrap import build
    from repairlink.settings import Settings
    from repairlink.store.migrate import upgrade

    url = database or f"sqlite:///{workdir}/{name}"
    upgrade(url)
    return build(Settings(database_url=url, files_dir=workdir / "files"))
