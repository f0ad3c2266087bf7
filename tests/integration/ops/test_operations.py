"""Issue 14, item 10: what an operator watches. JSON log lines carry the request id and the
agency (and, in a delivery, the event id); /metrics speaks Prometheus' text format with the
requests, sync runs and records a second, pending and dead deliveries, delivery lag and the mail
queue, read from the database; /livez and /readyz answer for a load balancer. On SQLite and
PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from repairlink.bootstrap import App
from repairlink.jobs.channels import Channels
from repairlink.observe import logs
from repairlink.services.files import LocalFileStore
from tests.integration.api.conftest import Client, make_unit, report
from tests.integration.outbound.conftest import Synced, send_due
from tests.integration.outbound.issues_in_alto import instruct, reported


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    written = io.StringIO()
    logs.configure(json=True, stream=written)
    yield written
    logging.getLogger().handlers[:] = []
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").disabled = False
    logging.getLogger("httpx").setLevel(logging.NOTSET)


def _lines(written: io.StringIO) -> list[dict]:  # type: ignore[type-arg]
    """The JSON lines written since the last call."""
    text = written.getvalue()
    written.seek(0)
    written.truncate()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _samples(http: TestClient) -> dict[str, list]:  # type: ignore[type-arg]
    response = http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {f.name: f.samples for f in text_string_to_metric_families(response.text)}


def test_each_request_logs_one_json_line_with_its_request_id_and_agency(
    staff: Client, agency_id: int, json_logs: io.StringIO
) -> None:
    _lines(json_logs)
    answer = staff.get("/units", headers={"X-Request-ID": "req-abc-123"})
    assert answer.status_code == 200
    assert answer.headers["x-request-id"] == "req-abc-123"
    (line,) = [entry for entry in _lines(json_logs) if entry["event"] == "request"]
    assert line["request_id"] == "req-abc-123"
    assert line["agency_id"] == agency_id
    assert (line["method"], line["route"], line["status"]) == ("GET", "/api/v1/units", 200)
    assert line["level"] == "info"
    assert "timestamp" in line
    fresh = staff.get("/units", headers={"X-Request-ID": "not safe!\n"})
    assert fresh.headers["x-request-id"] != "not safe!\n"  # a new id, not the caller's text


def test_metrics_count_requests_and_read_deliveries_and_runs_from_the_database(
    staff: Client, http: TestClient
) -> None:
    report(staff, make_unit(staff))
    samples = _samples(http)
    requests = {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for s in samples["repairlink_http_requests"]
        if s.name.endswith("_total")
    }
    assert requests[("POST", "/api/v1/issues", "201")] >= 1
    for name in (
        "repairlink_sync_runs",
        "repairlink_sync_records_per_second",
        "repairlink_deliveries_pending",
        "repairlink_deliveries_dead",
        "repairlink_delivery_lag_seconds",
        "repairlink_mail_queue",
        "repairlink_http_request_duration_seconds",
    ):
        assert name in samples, name


def test_liveness_and_readiness(app: App, api: FastAPI, http: TestClient, tmp_path: Path) -> None:
    assert http.get("/livez").json() == {"status": "ok"}
    assert http.get("/readyz").json() == {"status": "ok"}
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    api.state.app = replace(app, files=LocalFileStore(blocked / "files"))
    answer = http.get("/readyz")
    assert answer.status_code == 503
    assert set(answer.json()["problems"]) == {"files"}
    api.state.app = app


def test_a_failed_delivery_logs_its_event_id_and_the_metrics_show_it_pending(
    synced: Synced, channels: Channels, json_logs: io.StringIO
) -> None:
    synced.sim.admin("PUT", "outage", {"status": 503})
    instruct(synced, reported(synced))
    _lines(json_logs)
    send_due(synced.app, channels)
    # send_due sends every agency's due deliveries: an earlier test's may fail beside ours
    failed = [e for e in _lines(json_logs) if "failed" in e["event"]]
    (line,) = [e for e in failed if e.get("agency_id") == synced.agency_id]
    assert line["event_id"]
    assert line["delivery_id"]
    assert line["level"] == "warning"
    from repairlink.api.app import create_app

    with TestClient(create_app(synced.app)) as http:
        samples = _samples(http)
    pending = {s.labels["channel"]: s.value for s in samples["repairlink_deliveries_pending"]}
    assert pending["connection"] >= 1
    lag = {s.labels["channel"]: s.value for s in samples["repairlink_delivery_lag_seconds"]}
    assert lag["connection"] >= 0
    runs = {
        (s.labels["system"], s.labels["status"]): s.value
        for s in samples["repairlink_sync_runs"]
        if s.name.endswith("_total")
    }
    assert runs[("alto", "succeeded")] >= 1
    rates = samples["repairlink_sync_records_per_second"]
    assert any(s.labels["system"] == "alto" and s.value > 0 for s in rates)


def test_a_delivery_sent_writes_no_line_for_each_http_request(
    synced: Synced, channels: Channels, json_logs: io.StringIO
) -> None:
    """A works order sent is in the delivery's record and the metrics; the HTTP client's own
    line for each request (httpx logs every one at INFO) is not written, while a failure still
    has our line (the test above)."""
    instruct(synced, reported(synced))
    _lines(json_logs)
    assert send_due(synced.app, channels) >= 1
    written = _lines(json_logs)
    assert len(synced.admin("work-orders")) == 1  # the works order reached Alto
    assert [e for e in written if e.get("logger", "").startswith("http")] == []
