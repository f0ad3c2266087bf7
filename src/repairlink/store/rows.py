"""Domain objects from their tables' rows, made as the ORM makes the ones it loads: `__init__`
not called, the row's values put in place, history clean (detached, as a unit of work's reads
hand out). Through `__init__` each value went through the ORM's attribute events: 50 µs an
issue against 3, a tenth of the senders' CPU in bench/outage.py's drain, and a fifth of a
change's (bench/change_cpu.py). Used where the hot paths read rows without the session: a
delivery's facts (`outbound/facts.py`) and the record a change loads (`store/tracked.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, TypeVar

import sqlalchemy as sa

T = TypeVar("T")


def from_row(cls: type[T], row: Mapping[str, Any] | sa.RowMapping) -> T:
    """`cls` from its table's row (keys besides its columns are left out)."""
    obj: T = sa.inspect(cls).class_manager.new_instance()
    vars(obj).update({name: row[name] for name in _columns(cls)})
    return obj


def _columns(cls: type[Any]) -> tuple[str, ...]:
    """The mapped columns of `cls`: every field of the domain object (they are its table's)."""
    keys = _COLUMNS.get(cls)
    if keys is None:
        keys = _COLUMNS[cls] = tuple(a.key for a in sa.inspect(cls).column_attrs)
        assert {f.name for f in fields(cls)} <= set(keys), f"{cls.__name__}: unmapped fields"
    return keys


_COLUMNS: dict[type[Any], tuple[str, ...]] = {}
