"""Owners and service providers uploaded as CSV in the console (PW-07): the agent picks the
kind and whether bad rows stop the whole file; the page answers with what was written, each
bad row's line, column and reason, and the report as a CSV download."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from repairlink.services.people_import import ImportReport, import_people
from repairlink.web.import_progress import ImportRun
from repairlink.web.render import page, streamed_page
from repairlink.web.session import Staff, StaffPost

router = APIRouter(prefix="/people/import")
TITLE = "Upload from a CSV file"
KINDS = {"landlord": "Landlords (owners)", "contractor": "Contractors (service providers)"}


@router.get("", response_class=HTMLResponse)
def form(request: Request, viewer: Staff, kind: str = "landlord") -> HTMLResponse:
    chosen = kind if kind in KINDS else "landlord"
    return page(
        request, "people/import.html", viewer, title=TITLE, kinds=KINDS,
        kind=chosen, report=None, running=None, download=_download,
    )  # fmt: skip


@router.post("", response_class=HTMLResponse)
def upload(
    request: Request,
    viewer: StaffPost,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(max_length=20)] = "landlord",
    mode: Annotated[str, Form(max_length=20)] = "all_or_nothing",
) -> Response:
    """The page is streamed while the rows are checked and added (a progress bar), its result
    at the end; a file refused outright answers at once."""
    chosen = kind if kind in KINDS else "landlord"
    data = file.file.read()
    # the page's formats are the agency's: read before the import holds SQLite's one writer
    # (the streamed page must not wait on it)
    fmt = viewer.formats
    run = ImportRun(
        lambda progress: import_people(
            viewer.uow(),
            chosen,
            data,
            mode="valid_rows" if mode == "valid_rows" else "all_or_nothing",
            progress=progress,
        )
    )
    context: dict[str, Any] = {
        "title": TITLE,
        "kinds": KINDS,
        "kind": chosen,
        "download": _download,
        "fmt": fmt,
    }
    if run.finished:
        return page(
            request, "people/import.html", viewer, report=run.report, running=None, **context
        )
    return streamed_page(request, "people/import.html", viewer, report=None, running=run, **context)


def _download(report: ImportReport) -> str | None:
    """The per-row report as a link's data URL (None: no problems)."""
    if not report.errors:
        return None
    encoded = base64.b64encode(report.errors_csv().encode()).decode()
    return f"data:text/csv;base64,{encoded}"
