"""Every CSV the product writes goes through here, so that no cell can run as a formula when a
spreadsheet opens the file (PW-07): a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
return is written with a leading apostrophe, which spreadsheets show as text. Numbers are
written as they are (a negative amount stays a number)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet will not run it."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV document, header first, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
