"""Fault injection: throttling, server errors, stalls and malformed records, on demand.

Request faults are drawn from a `random.Random(fault seed)` once per data request, so the
same sequence of requests meets the same faults. A malformed record is chosen by hashing
(fault seed, record id, modified time): the same record stays broken on every retry until it
changes upstream, as a genuinely bad record would (S-04).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

REQUEST_FAULTS = ("429", "500", "502", "503", "timeout")


@dataclass(frozen=True)
class Breakage:
    """How a simulator's records break: the id fields one may lose, and fields (whichever a
    record carries) given the wrong type. Fields a connector must read, so that the breakage
    cannot slip through unnoticed."""

    id_keys: tuple[str, ...] = ("id",)
    wrong_types: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class FaultSettings:
    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_timeout: float = 0.0
    rate_malformed: float = 0.0
    seed: int = 0
    retry_after: int = 1
    # How long a "timeout" stalls before answering 504: longer than any sane client timeout.
    timeout_seconds: float = 30.0

    def updated(self, changes: dict[str, Any]) -> FaultSettings:
        known = {setting.name for setting in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        cleaned: dict[str, Any] = {}
        for name, value in changes.items():
            if name.startswith("rate_"):
                rate = float(value)
                if not 0.0 <= rate <= 1.0:
                    raise ValueError(f"{name} must be between 0 and 1")
                cleaned[name] = rate
            elif name == "timeout_seconds":
                cleaned[name] = float(value)
            else:
                cleaned[name] = int(value)
        return replace(self, **cleaned)


@dataclass(frozen=True)
class Fault:
    kind: str  # one of REQUEST_FAULTS


class Faults:
    def __init__(
        self, settings: FaultSettings | None = None, breakage: Breakage | None = None
    ) -> None:
        self.configure(settings or FaultSettings())
        self.breakage = breakage or Breakage()
        self.fail_next = 0
        self.fail_kind = "503"
        self.fail_path = ""  # only requests whose path contains this ("": every one)
        self.injected: dict[str, int] = {}

    def configure(self, settings: FaultSettings) -> None:
        self.settings = settings
        self._rng = random.Random(settings.seed)

    def arm(self, count: int, kind: str, path: str = "") -> None:
        """Fail exactly the next `count` data requests with `kind` (of those whose path
        contains `path`, e.g. "/charges"), before any rates apply."""
        if kind not in REQUEST_FAULTS:
            raise ValueError(f"kind must be one of {REQUEST_FAULTS}")
        if count < 0:
            raise ValueError("count must not be negative")
        self.fail_next = count
        self.fail_kind = kind
        self.fail_path = path

    def draw(self, path: str = "") -> Fault | None:
        """The fault (if any) this data request, to `path`, meets."""
        if self.fail_next > 0 and self.fail_path in path:
            self.fail_next -= 1
            return self._count(Fault(self.fail_kind))
        settings = self.settings
        if not (settings.rate_429 or settings.rate_5xx or settings.rate_timeout):
            return None
        # Always draw three numbers, so one rate's change never shifts the others' sequence.
        throttle, error, stall = self._rng.random(), self._rng.random(), self._rng.random()
        if throttle < settings.rate_429:
            return self._count(Fault("429"))
        if error < settings.rate_5xx:
            return self._count(Fault(self._rng.choice(("500", "502", "503"))))
        if stall < settings.rate_timeout:
            return self._count(Fault("timeout"))
        return None

    def is_malformed(self, record_id: int, modified_ms: int) -> bool:
        rate = self.settings.rate_malformed
        if rate <= 0.0:
            return False
        return _unit_hash(self.settings.seed, record_id, modified_ms) < rate

    def malform(self, item: dict[str, Any], record_id: int, modified_ms: int) -> dict[str, Any]:
        """Break one rule of the schema: drop a required field or give a field a wrong type."""
        self.injected["malformed"] = self.injected.get("malformed", 0) + 1
        broken = dict(item)
        id_keys = [key for key in self.breakage.id_keys if key in broken]
        if _unit_hash(self.settings.seed + 1, record_id, modified_ms) < 0.5 and id_keys:
            del broken[id_keys[0]]
        else:
            for key, wrong in self.breakage.wrong_types.items():
                if key in broken:
                    broken[key] = wrong
        return broken

    def served(self, item: dict[str, Any], record_id: int, modified_ms: int) -> dict[str, Any]:
        """One record as served: broken on purpose when the fault plan marks it malformed."""
        if self.is_malformed(record_id, modified_ms):
            return self.malform(item, record_id, modified_ms)
        return item

    def snapshot(self) -> dict[str, Any]:
        return {
            **asdict(self.settings),
            "fail_next": self.fail_next,
            "fail_kind": self.fail_kind,
            "fail_path": self.fail_path,
            "injected": dict(self.injected),
        }

    def _count(self, fault: Fault) -> Fault:
        self.injected[fault.kind] = self.injected.get(fault.kind, 0) + 1
        return fault


def _unit_hash(seed: int, record_id: int, modified_ms: int) -> float:
    digest = hashlib.blake2b(f"{seed}:{record_id}:{modified_ms}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big") / 2**64
