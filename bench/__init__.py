"""Benchmarks, run as modules from the project's root: `uv run python -m bench.sync_alto`.

A benchmark is local development: a key under ./var seals the connections' secrets, and the
simulators on 127.0.0.1 may be called (docs/security.md).
"""

import os

os.environ.setdefault("REPAIRLINK_ENVIRONMENT", "development")
