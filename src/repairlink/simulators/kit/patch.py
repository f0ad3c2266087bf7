"""JSON Patch (RFC 6902) as the simple PATCH endpoints of PMS APIs take it: `replace` and `add`
on top-level fields, every operation checked before any applies."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .errors import FieldError


def top_level_changes(operations: Any, patchable: Collection[str]) -> dict[str, Any]:
    """{field: new raw value} of a patch; a 400 naming what is wrong with it."""
    if not isinstance(operations, list) or not operations:
        raise FieldError("body", "must be a JSON Patch: a non-empty array of operations.")
    changes: dict[str, Any] = {}
    for operation in operations:
        if not isinstance(operation, dict):
            raise FieldError("body", "each operation must be an object {op, path, value}.")
        op, path = operation.get("op"), operation.get("path")
        if op not in ("replace", "add"):
            raise FieldError("op", f"{op!r} is not supported; use replace or add.")
        if not isinstance(path, str) or not path.startswith("/") or "/" in path[1:]:
            raise FieldError("path", f"{path!r} must name one top-level field, e.g. /status.")
        name = path[1:].replace("~1", "/").replace("~0", "~")
        if name not in patchable:
            raise FieldError(name, "cannot be patched.")
        if "value" not in operation:
            raise FieldError(name, "needs a value.")
        changes[name] = operation["value"]
    return changes
