"""Owners (landlords) and service providers (contractors) uploaded as CSV (PW-07): Propertyware
does not sync them, so agents upload them. Every row is checked (required columns, email,
phones, duplicates inside the file and against the agency's records, and what the database
cannot store: a cell longer than its column, a control character, both refused as the API
refuses them); the agent chooses all-or-nothing (any bad row: nothing is written) or
valid-rows-only. The report names each bad row (the line of the file where it starts), its
column and why, and downloads as CSV; a page or an answer lists the first `SHOWN` problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa

from repairlink.domain.people import Contractor, Landlord
from repairlink.domain.values import CONTROL_CHARACTERS, normalise_email, normalise_phone
from repairlink.errors import InvalidError
from repairlink.services.csv_in import Record, read_csv
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
AS_GIVEN = ("first_name", "surname", "company", "address")  # kept as the cell is, so limited
UNBOUNDED = 2000  # a column of unbounded text (the address) takes as much as the API does
TRADE_MAX = 255  # each trade, as the API takes them
SHOWN = 200  # problems a page or an API answer lists; the CSV report has every one
SHOWN_VALUE = 100  # characters of a cell a problem quotes
CHUNK = 1000
# (stage, rows done, rows in the stage): "checked" of the file's rows, then "added" of the good
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RowError:
    row: int  # the line of the file where the record starts (the header is line 1)
    column: str
    reason: str
    value: str = ""  # the cell as given (control characters marked, a long one cut short)


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

    @property
    def first_errors(self) -> list[RowError]:
        """The problems a person is shown; `errors_csv` has them all."""
        return self.errors[:SHOWN]

    @property
    def more_errors(self) -> int:
        return max(0, len(self.errors) - SHOWN)

    def errors_csv(self) -> str:
        """The per-row report, for the agent to download."""
        return write_csv(
            ("row", "column", "value", "reason"),
            ((e.row, e.column, e.value, e.reason) for e in self.errors),
        )


def _header(names: list[str], kind: str) -> list[RowError]:
    known = set(COLUMNS) | ({TRADES} if kind == "contractor" else set())
    problems = [RowError(1, c, "required column is missing") for c in REQUIRED if c not in names]
    problems += [RowError(1, _shown(c), "unknown column") for c in names if c and c not in known]
    return problems


def _limits(cls: type[Any]) -> dict[str, int]:
    """The longest each cell kept as given may be: its column's declared length."""
    c = cols(cls)
    return {name: getattr(c[name].type, "length", None) or UNBOUNDED for name in AS_GIVEN}


def _shown(value: str) -> str:
    """A cell as a problem quotes it: control characters marked, a long one cut short."""
    marked = CONTROL_CHARACTERS.sub("\ufffd", value)
    return marked if len(marked) <= SHOWN_VALUE else marked[:SHOWN_VALUE] + "\u2026"


def _cells(
    raw: dict[str, str], line: int, limits: dict[str, int]
) -> tuple[dict[str, str], list[RowError]]:
    """The row's cells, trimmed; a cell the database cannot store as it is (a control character,
    longer than its column) is a problem, and left out of the checks that follow."""
    values: dict[str, str] = {}
    errors: list[RowError] = []
    for name, cell in raw.items():
        value = cell.strip()
        if CONTROL_CHARACTERS.search(value):
            errors.append(RowError(line, name, "contains a control character", _shown(value)))
        elif len(value) > limits.get(name, len(value)):
            why = f"is longer than {limits[name]} characters"
            errors.append(RowError(line, name, why, _shown(value)))
        else:
            values[name] = value
    return values, errors


def _row(
    record: Record, kind: str, region: str, limits: dict[str, int]
) -> tuple[dict[str, Any], list[RowError]]:
    line = record.line
    if record.unreadable:
        return {}, [RowError(line, "", record.unreadable)]
    values, errors = _cells(record.cells, line, limits)
    refused = {e.column for e in errors}
    fields: dict[str, Any] = {
        c: values.get(c, "") for c in ("first_name", "surname", "company", "address")
    }
    try:
        fields["email"] = normalise_email(values.get("email", "")) if values.get("email") else None
    except InvalidError:
        errors.append(RowError(line, "email", "is not an email address", _shown(values["email"])))
    if not values.get("email") and "email" not in refused:
        errors.append(RowError(line, "email", "is required"))
    for name in ("phone", "phone2"):
        try:
            number = values.get(name)
            fields[name] = normalise_phone(number, field=name, region=region) if number else None
        except InvalidError:
            errors.append(RowError(line, name, "is not a phone number", _shown(values[name])))
    named = {"first_name", "surname", "company"}
    if not (any(fields[c] for c in named) or named & refused):
        errors.append(RowError(line, "surname", "give a name or a company"))
    if kind == "contractor":
        trades = [t.strip() for t in values.get(TRADES, "").split(";") if t.strip()]
        if any(len(t) > TRADE_MAX for t in trades):
            why = f"has a trade longer than {TRADE_MAX} characters"
            errors.append(RowError(line, TRADES, why, _shown(values[TRADES])))
        fields["trades"] = trades
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
    names, records = read_csv(text)
    report = ImportReport(kind, mode)
    report.errors = _header(names, kind)
    if report.errors:
        return report
    with uow:
        good = _check(uow, cls, list(records), report, progress)
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


def _check(
    uow: UnitOfWork,
    cls: type[Any],
    records: list[Record],
    report: ImportReport,
    progress: Progress | None,
) -> list[dict[str, Any]]:
    """Every record checked, its problems added to the report; answers the good rows' fields."""
    kind, good = report.kind, list[dict[str, Any]]()
    region, taken = uow.this_agency().region, _existing_emails(uow, cls)
    limits, seen = _limits(cls), dict[str, int]()
    for record in records:
        report.rows += 1
        line = record.line
        fields, errors = _row(record, kind, region, limits)
        email = fields.get("email")
        if email and email in taken:
            errors.append(RowError(line, "email", f"a {kind} with it exists already", email))
        elif email and email in seen:
            errors.append(RowError(line, "email", f"the same email as row {seen[email]}", email))
        if email:
            seen.setdefault(email, line)
        report.errors += errors
        if not errors:
            good.append(fields)
        if progress is not None and (report.rows % CHUNK == 0 or report.rows == len(records)):
            progress("checked", report.rows, len(records))
    return good
