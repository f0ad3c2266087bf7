"""Integrations: each connector's settings form (drawn from its typed config), run history
with each run's report (S-06), a dry-run preview (S-07) before "Sync now" or "Sync all data"."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from repairlink.connectors import REGISTRY
from repairlink.errors import InvalidError, NotFoundError
from repairlink.inbound import reports
from repairlink.jobs import bridge, sync_run
from repairlink.outbound import views
from repairlink.pms.profile import Schedule
from repairlink.services import connections, issue_reads
from repairlink.web import config_form, run_view, timeline
from repairlink.web.render import page, redirect
from repairlink.web.session import AdminPost, Staff, StaffPost, Viewer

router = APIRouter(prefix="/integrations")
Full = Annotated[str, Form(max_length=10)]


def _connection(viewer: Viewer, system: str) -> dict[str, Any] | None:
    sync_run.connector_kind(system)  # an unknown PMS is refused, naming the known ones
    try:
        return connections.get_connection(viewer.uow(), system)
    except NotFoundError:
        return None


@router.get("", response_class=HTMLResponse)
def overview(request: Request, viewer: Staff) -> HTMLResponse:
    connected = {c["system"] for c in connections.list_connections(viewer.uow())}
    return page(
        request,
        "integrations/list.html",
        viewer,
        title="Integrations",
        kinds=list(REGISTRY.values()),
        connected=connected,
        recent=reports.list_runs(viewer.uow(), limit=20).items,
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_report(request: Request, viewer: Staff, run_id: int) -> HTMLResponse:
    run = reports.get_run(viewer.uow(), run_id)
    changes = reports.planned_changes(viewer.uow(), run_id, limit=200) if run["dry_run"] else None
    reader = timeline.Reader(viewer.uow(), viewer.formats)
    return page(
        request,
        "integrations/run.html",
        viewer,
        title=f"Run {run_id}",
        run=run,
        skipped=reports.skipped(viewer.uow(), run_id, limit=100),
        quarantined=reports.quarantined(viewer.uow(), run_id, limit=100),
        changes=changes,
        names=run_view.change_names(viewer.uow(), changes.items) if changes else {},
        label=reader.label,
        shown=reader.value,
        skip_reasons=run_view.skip_reasons(run),
    )


def _troubled(viewer: Viewer, connection_id: int) -> list[dict[str, Any]]:
    """Deliveries to the PMS that failed (dead, or waiting after a failed attempt) or wait."""
    found = []
    for state in ("dead", "pending"):
        found += views.list_deliveries(
            viewer.uow(), state=state, channel="connection", target_id=connection_id, limit=100
        ).items
    return sorted(found, key=lambda r: (r["state"] != "dead", -int(r["attempts"]), -r["id"]))


@router.get("/{system}", response_class=HTMLResponse)
def connector(request: Request, viewer: Staff, system: str) -> HTMLResponse:
    connection = _connection(viewer, system)
    history = [r for r in reports.list_runs(viewer.uow(), limit=100).items if r["system"] == system]
    troubled = _troubled(viewer, int(connection["id"])) if connection else []
    return page(
        request,
        "integrations/connector.html",
        viewer,
        title=REGISTRY[system].title,
        kind=REGISTRY[system],
        info=sync_run.connector_info(system),
        connection=connection,
        runs=history[:30],
        deliveries=troubled,
        issue_refs=issue_reads.references_of(
            viewer.uow(),
            {int(d["aggregate_id"]) for d in troubled if d["aggregate_kind"] == "issue"},
        ),
    )


@router.post("/{system}/sync-all")
def sync_all(viewer: StaffPost, system: str) -> Response:
    """Send every waiting or failed delivery to this PMS now (dead ones start a new round)."""
    sync_run.connector_kind(system)
    count = views.sync_all(viewer.uow(), system)
    bridge.sync_all_requested(viewer.app, viewer.who.agency_id, system)  # PX-08
    return redirect(
        f"/integrations/{system}#h-deliveries", notice=f"Sync all: {count} update(s) sent again"
    )


def _settings_page(
    request: Request,
    viewer: Viewer,
    system: str,
    values: dict[str, Any] | None,
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    kind = REGISTRY[system]
    return page(
        request,
        "integrations/settings.html",
        viewer,
        status_code=status,
        title=f"{kind.title} settings",
        kind=kind,
        fields=config_form.fields_of(kind.config_model, values, errors),
        schedules=[kind.timed(s, values or {}) for s in kind.profile.of(Schedule)],
        error=f"Check the settings: {len(errors)} field(s) need attention" if errors else None,
    )


@router.get("/{system}/settings", response_class=HTMLResponse)
def settings_form(request: Request, viewer: Staff, system: str) -> HTMLResponse:
    connection = _connection(viewer, system)
    return _settings_page(request, viewer, system, connection["config"] if connection else None, {})


@router.post("/{system}/settings", response_model=None)
async def save_settings(
    request: Request, viewer: AdminPost, system: str
) -> HTMLResponse | RedirectResponse:
    form = await request.form()
    # the database, the secrets' sealing and the addresses' look-ups off the event loop
    return await run_in_threadpool(_save_settings, request, viewer, system, form)


def _save_settings(
    request: Request, viewer: Viewer, system: str, form: FormData
) -> HTMLResponse | RedirectResponse:
    connection = _connection(viewer, system)
    current = connection["config"] if connection else None
    model = REGISTRY[system].config_model
    values = config_form.read(model, form, current)
    try:
        sync_run.connect(viewer.app, viewer.who.agency_id, system, values)
    except ValidationError as exc:  # the typed config names each field and its rule
        return _settings_page(request, viewer, system, values, config_form.errors_of(exc), 422)
    except InvalidError as exc:  # a rule of the profile about settings, naming the field
        errors = {exc.field or "": exc.message}
        return _settings_page(request, viewer, system, values, errors, 422)
    return redirect(f"/integrations/{system}", notice="Settings saved")


def _start(viewer: Viewer, system: str, *, full: bool, dry_run: bool) -> Response:
    run_id = sync_run.start_sync(
        viewer.app, viewer.who.agency_id, system, full=full, dry_run=dry_run
    )
    what = ("a full" if full else "an incremental") + (" dry run" if dry_run else " sync")
    return redirect(f"/integrations/runs/{run_id}", notice=f"Started {what}")


@router.post("/{system}/preview")
def preview(viewer: StaffPost, system: str, full: Full = "") -> Response:
    """S-07: what "Sync now" (or with full, "Sync all data") would change, writing nothing."""
    return _start(viewer, system, full=full == "yes", dry_run=True)


@router.post("/{system}/sync")
def sync_now(viewer: StaffPost, system: str, full: Full = "") -> Response:
    return _start(viewer, system, full=full == "yes", dry_run=False)
