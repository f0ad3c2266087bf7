"""Owners and service providers uploaded as CSV in the console (PW-07): the agent picks the
kind and whether bad rows stop the whole file; the page answers with what was written, each
bad row's line, column and reason, and the report as a CSV download."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from repairlink.services.people_import import import_people
from repairlink.web.render import page
from repairlink.web.session import Staff, StaffPost

router = APIRouter(prefix="/people/import")
KINDS = {"landlord": "Landlords (owners)", "contractor": "Contractors (service providers)"}


@router.get("", response_class=HTMLResponse)
def form(request: Request, viewer: Staff, kind: str = "landlord") -> HTMLResponse:
    chosen = kind if kind in KINDS else "landlord"
    return page(
        request, "people/import.html", viewer, title="Upload from a CSV file", kinds=KINDS,
        kind=chosen, report=None, download=None,
    )  # fmt: skip


@router.post("", response_class=HTMLResponse)
def upload(
    request: Request,
    viewer: StaffPost,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(max_length=20)] = "landlord",
    mode: Annotated[str, Form(max_length=20)] = "all_or_nothing",
) -> HTMLResponse:
    chosen = kind if kind in KINDS else "landlord"
    report = import_people(
        viewer.uow(),
        chosen,
        file.file.read(),
        mode="valid_rows" if mode == "valid_rows" else "all_or_nothing",
    )
    download = None
    if report.errors:
        encoded = base64.b64encode(report.errors_csv().encode()).decode()
        download = f"data:text/csv;base64,{encoded}"
    return page(
        request, "people/import.html", viewer, title="Upload from a CSV file", kinds=KINDS,
        kind=chosen, report=report, download=download,
    )  # fmt: skip
