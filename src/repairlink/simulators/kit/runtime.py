"""What every running simulator holds besides its data, and the settings every one starts from.

A simulator's state class extends `Runtime` with its data and write-side records; the kit's
guard, paging, outage middleware and admin API need only what is here.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .auth import Auth
from .errors import ErrorBodies, ProblemDetails
from .faults import Breakage, Faults, FaultSettings
from .listing import Totals
from .outage import Outage
from .rendered import RenderCache
from .writelog import WriteLog

Json = dict[str, Any]


@dataclass(frozen=True)
class Config:
    """The settings the kit's CLI and test helpers fill in; a simulator's config extends it
    (with credentials, say), every field with a default."""

    seed: int = 1
    units: int = 500
    # None keeps the PMS's own page limits; a number replaces them all (benchmarks).
    max_page_size: int | None = None
    faults: FaultSettings = field(default_factory=FaultSettings)


class RecordHooks(Protocol):
    """Upstream changes the admin API makes (the agency's staff at work in the PMS), by kind
    and id. Each answers the record as the admin API shows it; a change moves its modified
    time to `now_ms`. Unknown kinds and records raise NotFound, bad values BadRequest."""

    def get(self, kind: str, record_id: int) -> Json: ...

    def edit(self, kind: str, record_id: int, changes: Json, now_ms: int) -> Json: ...

    def archive(self, kind: str, record_id: int, now_ms: int) -> Json: ...

    def delete(self, kind: str, record_id: int) -> None: ...

    def add(self, kind: str, fields: Json, now_ms: int) -> Json: ...

    def churn(self, fraction: float, seed: int | None, now_ms: int) -> dict[str, list[int]]: ...


class Runtime:
    def __init__(
        self,
        name: str,
        config: Config,
        *,
        auth: Auth,
        records: RecordHooks,
        rendered: RenderCache,
        identity: Json,
        breakage: Breakage | None = None,
        errors: ErrorBodies | None = None,
        write_facts: tuple[str, ...] = ("resource_id",),
        generated_seconds: float = 0.0,
    ) -> None:
        self.name = name  # the PMS's name, in messages ("Alto is unavailable ...")
        self.config = config
        self.auth = auth
        self.records = records
        self.rendered = rendered
        self.identity = identity  # what /_admin/health tells about the credentials
        self.errors: ErrorBodies = errors or ProblemDetails()
        self.faults = Faults(config.faults, breakage)
        self.generated_seconds = generated_seconds
        self.totals = Totals()
        self.writes = WriteLog(write_facts)
        # set by --prerender: renders again what a full sync reads, after a churn
        self.render_ahead: Callable[[], int] | None = None
        self.outage = Outage()
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        # Set when the server starts, so a stalled ("timeout") response gives up at its stop.
        self.stopping: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def count(self, endpoint: str, status: int) -> None:
        self.requests[endpoint] += 1
        self.statuses[str(status)] += 1

    def stats(self) -> Json:
        return {
            "total": sum(self.requests.values()),
            "by_endpoint": dict(sorted(self.requests.items())),
            "by_status": dict(sorted(self.statuses.items())),
            "faults_injected": dict(self.faults.injected),
        }

    def reset_stats(self) -> None:
        self.requests.clear()
        self.statuses.clear()
        self.faults.injected.clear()

    def health(self) -> Json:
        config = self.config
        return {
            "ok": True,
            "seed": config.seed,
            "units": config.units,
            "generated_seconds": round(self.generated_seconds, 3),
            **self.identity,
        }
