"""S-02: the webhook event catalogue names every event the code emits, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import repairlink
from repairlink.domain.events import EVENT_TYPES

SOURCE = Path(repairlink.__file__).parent
# uow.emit("x.y", ...) or emit_many, _changed(..., "x.y"), a constant INVITED = "x.y", and
# _changed's own two names ("issue.status_changed" if ... else "issue.updated")
EVENT_LITERAL = re.compile(
    r'emit(?:_many)?\(\s*"([a-z_]+\.[a-z_]+)"'
    r'|_changed\([^)]*"([a-z_]+\.[a-z_]+)"\)'
    r'|^[A-Z_]+ = "([a-z_]+\.[a-z_]+)"'
    r'|\("(issue\.status_changed)" if .* else "(issue\.updated)"\)',
    re.MULTILINE,
)


def _names(text: str) -> set[str]:
    return {name for groups in EVENT_LITERAL.findall(text) for name in groups if name}


def test_s_02_every_event_the_code_emits_is_in_the_catalogue() -> None:
    emitted: set[str] = set()
    for path in (SOURCE / "services").glob("*.py"):
        emitted |= _names(path.read_text())
    emitted |= _names((SOURCE / "outbound" / "issue_out.py").read_text())
    assert emitted, "found no emitted events: the pattern no longer matches the code"
    assert emitted <= set(EVENT_TYPES), emitted - set(EVENT_TYPES)
    assert set(EVENT_TYPES) <= emitted, set(EVENT_TYPES) - emitted
