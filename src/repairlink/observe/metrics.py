"""Prometheus metrics at /metrics (issue 14, item 10).

Requests are counted in the process that answers them. Everything else is read from the
database at each scrape, so the figures are the same whichever process is scraped and however
many `repairlink worker` processes on however many machines do the work: sync runs by status
and each PMS connection's last run's records a second; deliveries pending and dead by channel,
the delivery lag (how long the oldest pending delivery has waited) and the mail queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from repairlink.store.db import reading
from repairlink.store.outbound_tables import deliveries
from repairlink.store.sync_tables import connections, sync_runs

REQUESTS = "repairlink_http_requests"


class RequestMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.count = Counter(
            REQUESTS, "HTTP requests answered", ("method", "route", "status"), registry=registry
        )
        self.seconds = Histogram(
            "repairlink_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ("method", "route"),
            registry=registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.count.labels(method, route, str(status)).inc()
        self.seconds.labels(method, route).observe(seconds)


def _records(counts: Any) -> int:
    if not isinstance(counts, dict):
        return 0
    return sum(sum(v.values()) for v in counts.values() if isinstance(v, dict))


class DatabaseCollector(Collector):
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Any]:
        with reading(self.engine) as conn:
            yield from self._runs(conn)
            yield from self._deliveries(conn)

    def _runs(self, conn: sa.Connection) -> Iterator[Any]:
        r, c = sync_runs.c, connections.c
        runs = CounterMetricFamily(
            "repairlink_sync_runs", "Sync runs, by PMS and status", labels=("system", "status")
        )
        for system, status, n in conn.execute(
            sa.select(c.system, r.status, sa.func.count())
            .join(connections, c.id == r.connection_id)
            .group_by(c.system, r.status)
        ):
            runs.add_metric((system, status), n)
        yield runs
        rate = GaugeMetricFamily(
            "repairlink_sync_records_per_second",
            "Records a second of each connection's last finished sync run",
            labels=("system", "connection_id"),
        )
        last = (
            sa.select(sa.func.max(r.id))
            .where(r.finished_at.is_not(None), r.dry_run.is_(False))
            .group_by(r.connection_id)
        )
        for row in conn.execute(
            sa.select(c.system, r.connection_id, r.counts, r.started_at, r.finished_at)
            .join(connections, c.id == r.connection_id)
            .where(r.id.in_(last))
        ):
            seconds = max((row.finished_at - row.started_at).total_seconds(), 1e-3)
            rate.add_metric((row.system, str(row.connection_id)), _records(row.counts) / seconds)
        yield rate

    def _deliveries(self, conn: sa.Connection) -> Iterator[Any]:
        d = deliveries.c
        by_state = {
            state: GaugeMetricFamily(
                f"repairlink_deliveries_{state}",
                f"Deliveries {state}, by channel",
                labels=("channel",),
            )
            for state in ("pending", "dead")
        }
        lag = GaugeMetricFamily(
            "repairlink_delivery_lag_seconds",
            "How long the oldest pending delivery has waited, by channel",
            labels=("channel",),
        )
        mail = GaugeMetricFamily("repairlink_mail_queue", "Mail messages waiting to be sent")
        now = datetime.now(UTC)
        queued = 0
        rows = conn.execute(
            sa.select(d.channel, d.state, sa.func.count(), sa.func.min(d.created_at))
            .where(d.state.in_(("pending", "dead")))
            .group_by(d.channel, d.state)
        )
        for channel, state, n, oldest in rows:
            by_state[state].add_metric((channel,), n)
            if state == "pending":
                lag.add_metric((channel,), max((now - oldest).total_seconds(), 0.0))
                queued += n if channel == "mail" else 0
        mail.add_metric((), queued)
        yield from (*by_state.values(), lag, mail)
