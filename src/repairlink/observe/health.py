"""Liveness and readiness (issue 14, item 10): `/livez` says the process answers (restart it
when it does not); `/readyz` says it can serve (the database answers and the file store is
reachable): route traffic to it only then."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.services.files import FileStore
from repairlink.store.db import reading


def not_ready(engine: sa.Engine, files: FileStore) -> dict[str, str]:
    """What cannot be reached, in words ({}: ready)."""
    problems: dict[str, str] = {}
    try:
        with reading(engine) as conn:  # not a ROLLBACK: the pool's next user keeps its statements
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure means not ready; the reason is for the operator
        problems["database"] = f"{type(exc).__name__}: {exc}"[:300]
    try:
        files.ready()
    except Exception as exc:
        problems["files"] = f"{type(exc).__name__}: {exc}"[:300]
    return problems
