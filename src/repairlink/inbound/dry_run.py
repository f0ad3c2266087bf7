"""What a dry run keeps (S-07). A dry run writes exactly as a real run does, in one transaction
that is rolled back at its end, so that each decision sees the ones before it (a tenancy that
ended archives its tenant; a second landlord with the first one's email merges into it). Its
report rows (planned changes, skips, quarantined records) are kept aside here meanwhile, on
disk past a few megabytes, and written once the rollback is done."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

import orjson
import sqlalchemy as sa

from repairlink.store.bulk import insert_many

BATCH = 5_000  # rows per insert when the kept rows are written


class KeptRows:
    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=8 << 20)
        self._tables: dict[str, sa.Table] = {}

    def add(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        self._tables[table.name] = table
        for row in rows:
            self._file.write(orjson.dumps([table.name, row], default=str) + b"\n")

    def write(self, conn: sa.Connection) -> None:
        """Insert every kept row, in batches per table, in the order they were kept."""
        batch: list[dict[str, Any]] = []
        current: str | None = None
        for name, row in self._rows():
            if name != current or len(batch) >= BATCH:
                if batch and current is not None:
                    insert_many(conn, self._tables[current], batch)
                batch, current = [], name
            batch.append(row)
        if batch and current is not None:
            insert_many(conn, self._tables[current], batch)

    def _rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        self._file.seek(0)
        for line in self._file:
            name, row = orjson.loads(line)
            yield name, row

    def close(self) -> None:
        self._file.close()
