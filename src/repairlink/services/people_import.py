"""Owners (landlords) and service providers (contractors) uploaded as CSV (PW-07): Propertyware
does not sync them, so agents upload them. Every row is checked (required columns, email,
phones, duplicates inside the file and against the agency's records); the agent chooses
all-or-nothing (any bad row: nothing is written) or valid-rows-only. The report names each bad
row, its column and why, and downloads as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa

from repairlink.domain.people import Contractor, Landlord
from repairlink.domain.values import normalise_email, normalise_phone
from repairlink.errors import InvalidError
from repairlink.services.csv_out import write_csv
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

Mode = Literal["all_or_nothing", "valid_rows"]
KINDS: dict[str, type[Landlord] | type[Contractor]] = {
    "landlord": Landlord,
    "contractor": Contractor,
}
COLUMNS = ("first_name", "surname", "company", "email", "phone", "phone2", "address")
TRADES = "trades"  # contractors only: trades separated by ";"
REQUIRED = ("email",)
CHUNK = 1000
# (stage, rows done, rows in the stage): "checked" of the file's rows, then "added" of the good
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RowError:
    row: int  # the file's line number (the header is line 1)
    column: str
    reason: str
    value: str = ""  # the cell as given


@dataclass
class ImportReport:
    kind: str
    mode: Mode
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.created > 0

    def errors_csv(self) -> str:
        """The per-row report, for the agent to download."""
        return write_csv(
            ("row", "column", "value", "reason"),
            ((e.row, e.column, e.value, e.reason) for e in self.errors),
        )


def _header(reader: csv.DictReader[str], kind: str) -> list[RowError]:
    names = [n.strip() for n in reader.fieldnames or []]
    known = set(COLUMNS) | ({TRADES} if kind == "contractor" else set())
    problems = [RowError(1, c, "required column is missing") for c in REQUIRED if c not in names]
    problems += [RowError(1, c, "unknown column") for c in names if c and c not in known]
    return problems


def _row(
    raw: dict[str, Any], line: int, kind: str, region: str
) -> tuple[dict[str, Any], list[RowError]]:
    values = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
    errors: list[RowError] = []
    fields: dict[str, Any] = {
        c: values.get(c, "") for c in ("first_name", "surname", "company", "address")
    }
    try:
        fields["email"] = normalise_email(values.get("email", "")) if values.get("email") else None
    except InvalidError:
        errors.append(RowError(line, "email", "is not an email address", values["email"]))
    if not values.get("email"):
        errors.append(RowError(line, "email", "is required"))
    for name in ("phone", "phone2"):
        try:
            number = values.get(name)
            fields[name] = normalise_phone(number, field=name, region=region) if number else None
        except InvalidError:
            errors.append(RowError(line, name, "is not a phone number", values.get(name, "")))
    if not (fields["first_name"] or fields["surname"] or fields["company"]):
        errors.append(RowError(line, "surname", "give a name or a company"))
    if kind == "contractor":
        fields["trades"] = [t.strip() for t in values.get(TRADES, "").split(";") if t.strip()]
    return fields, errors


def _existing_emails(uow: UnitOfWork, cls: type[Any]) -> set[str]:
    c = cols(cls)
    query = sa.select(c.email).where(c.agency_id == uow.agency, c.email.is_not(None))
    return set(uow.session.execute(query).scalars())


def import_people(
    uow: UnitOfWork, kind: str, data: bytes, *, mode: Mode, progress: Progress | None = None
) -> ImportReport:
    """Check every row of the file, then write as `mode` says; answers the report."""
    cls = KINDS.get(kind)
    if cls is None:
        raise InvalidError("import.kind", "Upload landlords or contractors", field="kind")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidError("import.encoding", "The file is not UTF-8 text", field="file") from exc
    reader = csv.DictReader(io.StringIO(text))
    report = ImportReport(kind, mode)
    report.errors = _header(reader, kind)
    if report.errors:
        return report
    good: list[dict[str, Any]] = []
    with uow:
        region, taken = uow.this_agency().region, _existing_emails(uow, cls)
        seen: dict[str, int] = {}
        rows = list(reader)
        for line, raw in enumerate(rows, start=2):
            report.rows += 1
            fields, errors = _row(raw, line, kind, region)
            email = fields.get("email")
            if email and email in taken:
                errors.append(RowError(line, "email", f"a {kind} with it exists already", email))
            elif email and email in seen:
                why = f"the same email as row {seen[email]}"
                errors.append(RowError(line, "email", why, email))
            if email:
                seen.setdefault(email, line)
            report.errors += errors
            if not errors:
                good.append(fields)
            if progress is not None and (report.rows % CHUNK == 0 or report.rows == len(rows)):
                progress("checked", report.rows, len(rows))
        if report.errors and mode == "all_or_nothing":
            return report
        for start in range(0, len(good), CHUNK):
            chunk = good[start : start + CHUNK]
            uow.add_many([cls(agency_id=uow.agency, **fields) for fields in chunk])
            if progress is not None:
                progress("added", start + len(chunk), len(good))
        uow.commit()
        report.created = len(good)
    return report
