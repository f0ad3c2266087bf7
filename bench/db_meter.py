"""What the database did for a piece of work: statements, transactions and rows written (counted
by the hub's engine as it sends them), and on a PostgreSQL server on this machine the CPU its
processes spent (read from /proc: the bench's database is the only work it has).

These are the figures that carry to a larger deployment (issue 15, item 4): a change's
statements and commits are the same on any machine, and the server's CPU a change says how many
cores a given rate needs, where the benches' own rates on two shared cores cannot.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa

_WRITES = ("INSERT", "UPDATE", "DELETE")
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    statements: int = 0
    transactions: int = 0  # each ends with a COMMIT or ROLLBACK
    rows_written: int = 0
    server_cpu_s: float = 0.0

    def minus(self, before: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) - getattr(before, f.name) for f in fields(self)))


def postgres_cpu_s() -> float:
    """CPU seconds (user and system) of every process named postgres on this machine."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone between the listing and the read
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :]
        if name == "postgres":
            parts = rest.split()
            total += int(parts[11]) + int(parts[12])  # utime, stime (fields 14 and 15)
    return total / _TICKS


def machine_busy_s() -> float:
    """CPU seconds every core of this machine has been busy (not idle, not waiting on disk)."""
    fields_ = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields_[:8])
    return (user + nice + system + irq + softirq + steal) / _TICKS


class DatabaseMeter:
    """Counts what `engine` sends from now on; the difference of two `now()`s is what the
    work between them cost."""

    def __init__(self, engine: sa.Engine) -> None:
        self._tally = Tally()
        self._postgres = engine.dialect.name == "postgresql"
        sa.event.listen(engine, "after_cursor_execute", self._executed)
        sa.event.listen(engine, "commit", self._ended)
        sa.event.listen(engine, "rollback", self._ended)

    def _executed(self, _conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        self._tally.statements += 1
        if statement.lstrip()[:6].upper() in _WRITES and cursor.rowcount > 0:
            self._tally.rows_written += cursor.rowcount

    def _ended(self, _conn: Any) -> None:
        self._tally.transactions += 1

    def now(self) -> Tally:
        cpu = postgres_cpu_s() if self._postgres else 0.0
        return replace(self._tally, server_cpu_s=cpu)
