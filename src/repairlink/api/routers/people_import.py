"""PW-07: owners (landlords) and service providers (contractors) uploaded as CSV, checked row by
row; the report names each bad row's line, column and reason: as JSON the first `SHOWN` with the
count of all, as CSV every one.

(No `from __future__ import annotations`: FastAPI reads these annotations at run time.)
"""

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from repairlink.api.deps import StaffCaller
from repairlink.services.people_import import SHOWN, ImportReport, import_people

router = APIRouter(tags=["people"])


class RowProblem(BaseModel):
    row: int = Field(description="The line of the file where the record starts (the header is 1)")
    column: str
    reason: str


class ImportRead(BaseModel):
    kind: str
    mode: str
    rows: int
    created: int
    written: bool
    error_count: int = Field(description="How many problems the file has")
    errors: list[RowProblem] = Field(
        description=f"The first {SHOWN} problems; ?format=csv answers every one"
    )


def _read(report: ImportReport) -> ImportRead:
    return ImportRead(
        kind=report.kind,
        mode=report.mode,
        rows=report.rows,
        created=report.created,
        written=report.written,
        error_count=len(report.errors),
        errors=[
            RowProblem(row=e.row, column=e.column, reason=e.reason) for e in report.first_errors
        ],
    )


def _upload(
    kind: str,
    caller: StaffCaller,
    file: UploadFile,
    mode: str,
    report_format: str,
) -> ImportRead | Response:
    chosen: Literal["all_or_nothing", "valid_rows"] = (
        "valid_rows" if mode == "valid_rows" else "all_or_nothing"
    )
    report = import_people(caller.uow(), kind, file.file.read(), mode=chosen)
    if report_format == "csv":
        return Response(
            report.errors_csv(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{kind}-import-report.csv"'},
        )
    return _read(report)


Mode = Annotated[
    Literal["all_or_nothing", "valid_rows"],
    Form(description="all_or_nothing: any bad row and nothing is written; valid_rows: the rest"),
]
Format = Annotated[
    Literal["json", "csv"], Query(alias="format", description="csv: the per-row report as CSV")
]
CsvFile = Annotated[UploadFile, File(description="UTF-8 CSV with a header row")]


@router.post(
    "/landlords/import",
    summary="Upload owners (landlords) as CSV, checked row by row (PW-07)",
    response_model=None,
)
def import_landlords(
    caller: StaffCaller, file: CsvFile, mode: Mode = "all_or_nothing", report: Format = "json"
) -> ImportRead | Response:
    return _upload("landlord", caller, file, mode, report)


@router.post(
    "/contractors/import",
    summary="Upload service providers (contractors) as CSV, checked row by row (PW-07)",
    response_model=None,
)
def import_contractors(
    caller: StaffCaller, file: CsvFile, mode: Mode = "all_or_nothing", report: Format = "json"
) -> ImportRead | Response:
    return _upload("contractor", caller, file, mode, report)
