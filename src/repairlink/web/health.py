"""The dashboard's read of each integration: last and next run, counts, failures, quarantined
records, and the outbound deliveries (a seam until issue 4, see web.outbound)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from repairlink.connectors import REGISTRY
from repairlink.inbound import reports
from repairlink.pms.profile import Schedule
from repairlink.services import connections
from repairlink.web.outbound import DeliveryHealth, delivery_health
from repairlink.web.session import Viewer

RECENT = timedelta(days=7)


@dataclass(frozen=True)
class Health:
    system: str
    title: str
    connected: bool
    last_run: dict[str, Any] | None
    next_run: str
    totals: dict[str, int]
    failures: int
    last_error: str
    quarantined: int
    deliveries: DeliveryHealth | None


def next_time(schedule: Schedule, last_start: datetime | None, now: datetime) -> datetime | None:
    """The next run of a schedule: `every` after the last start, or the next daily/weekly
    `cron` time ('M H * * *' or 'M H * * D'). Other cron shapes answer None."""
    if schedule.every is not None:
        return max(now, (last_start or now) + schedule.every)
    fields = (schedule.cron or "").split()
    if len(fields) != 5 or fields[2:4] != ["*", "*"] or not (fields[0] + fields[1]).isdigit():
        return None
    zone = ZoneInfo(schedule.tz)
    local = now.astimezone(zone)
    at = local.replace(hour=int(fields[1]), minute=int(fields[0]), second=0, microsecond=0)
    weekday = None if fields[4] == "*" else int(fields[4]) % 7  # cron: 0 = Sunday
    for days in range(8):
        candidate = at + timedelta(days=days)
        if candidate > local and (weekday is None or (candidate.isoweekday() % 7) == weekday):
            return candidate.astimezone(UTC)
    return None


def _describe(schedules: list[Schedule], last_start: datetime | None, now: datetime) -> str:
    soonest = [t for s in schedules if (t := next_time(s, last_start, now)) is not None]
    if soonest:
        return min(soonest).isoformat()
    return "; ".join(s.cron or "" for s in schedules) or "not scheduled"


def integration_health(viewer: Viewer, now: datetime | None = None) -> list[Health]:
    now = now or datetime.now(UTC)
    connected = {c["system"]: c for c in connections.list_connections(viewer.uow())}
    recent = [r for r in reports.list_runs(viewer.uow(), limit=200).items if not r["dry_run"]]
    found = []
    for system, kind in REGISTRY.items():
        mine = [r for r in recent if r["system"] == system]
        last = mine[0] if mine else None
        failed = [r for r in mine if r["status"] == "failed" and r["started_at"] >= now - RECENT]
        totals: dict[str, int] = {}
        for counts in (last or {}).get("counts", {}).values():
            for name, value in counts.items():
                totals[name] = totals.get(name, 0) + int(value)
        found.append(
            Health(
                system=system,
                title=kind.title,
                connected=system in connected,
                last_run=last,
                next_run=_describe(
                    kind.profile.of(Schedule), last["started_at"] if last else None, now
                )
                if system in connected
                else "",
                totals=totals,
                failures=len(failed),
                last_error=next((r["error"] or "" for r in mine if r["status"] == "failed"), ""),
                quarantined=totals.get("quarantined", 0),
                deliveries=delivery_health(viewer.uow(), system),
            )
        )
    return found
