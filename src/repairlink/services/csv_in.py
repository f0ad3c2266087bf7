"""Reading an uploaded CSV file record by record, each with the line of the file it starts on:
the number an agent looks for in a spreadsheet or an editor. A quoted cell may span lines and
blank lines are skipped, so the count of records is not the line; csv's `line_num` is the line
a record ends on, so a record starts on the line after the previous one (or blank line) ends."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _csv import Reader


@dataclass(frozen=True)
class Record:
    line: int  # where the record starts (the header is line 1)
    cells: dict[str, str]  # by the header's names; a cell the record lacks is ""
    unreadable: str = ""  # why the record could not be read (then it has no cells)


def read_csv(text: str) -> tuple[list[str], Iterator[Record]]:
    """The header's names (trimmed), and the records after it."""
    # newline="": a quoted cell keeps its own line breaks, and a file ending its lines with a
    # lone carriage return is read as lines, as the csv module asks
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    names = [name.strip() for name in header]
    return names, _records(reader, names)


def _records(reader: Reader, names: list[str]) -> Iterator[Record]:
    ended = reader.line_num
    while True:
        start = ended + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:  # a cell past csv's size limit; the reader goes on after it
            ended = reader.line_num
            limit = f"{csv.field_size_limit():,}"
            yield Record(start, {}, f"has a cell longer than {limit} characters")
            continue
        ended = reader.line_num
        if row:
            cells = dict(zip(names, row, strict=False))
            yield Record(start, {name: cells.get(name, "") for name in names if name})
