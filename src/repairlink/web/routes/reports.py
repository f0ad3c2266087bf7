"""Reports: units that reconciliation deactivated, the snapshot as CSV (PW-09), and duplicate
suggestions to merge (H-06)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from repairlink.services import unit_reads
from repairlink.services.csv_out import write_csv
from repairlink.web.render import page
from repairlink.web.session import Staff

router = APIRouter(prefix="/reports")
RECENTLY = timedelta(days=90)
CSV_COLUMNS = (
    "id",
    "ref",
    "flat",
    "line1",
    "line2",
    "line3",
    "town",
    "county",
    "postcode",
    "active",
)


@router.get("", response_class=HTMLResponse)
def reports(request: Request, viewer: Staff) -> HTMLResponse:
    since = datetime.now(UTC) - RECENTLY
    return page(
        request,
        "reports.html",
        viewer,
        title="Reports",
        deactivated=unit_reads.deactivated_by_reconciliation(viewer.uow(), since=since),
        since=since,
        groups=unit_reads.duplicate_groups(viewer.uow()),
    )


@router.get("/snapshot.csv")
def snapshot_csv(viewer: Staff) -> Response:
    rows = (
        [getattr(unit, name) for name in CSV_COLUMNS]
        for unit in unit_reads.snapshot_units(viewer.uow())
    )
    return Response(
        write_csv(CSV_COLUMNS, rows),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="units-snapshot.csv"'},
    )
