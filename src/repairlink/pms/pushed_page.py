"""A page a bridge client pushes, `{"items": [...]}`, read without making its items objects.

The server checks a pushed page when it comes (JSON, an object with a list of items, at most so
many) and answers how many items it carries; the page-preparing process parses it for real.
msgspec reads the page with each item's bytes kept as they are (`Raw`): it checks the JSON's
syntax and finds where each item ends, in about a quarter of the time orjson takes to make
every item's dicts and strings, and on the server's one interpreter lock, which the sync
writing the pages needs (measured: the check with orjson cost the bridge's push some 7%).
What msgspec's check passes and orjson still refuses inside one item (a string that is not
UTF-8, a number out of range) is that item's fault alone: `items` answers it as `NotJson`,
quarantined as any malformed record is (S-04), the rest of the page applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
import orjson


class PushedPage(msgspec.Struct):
    items: list[msgspec.Raw]


DECODER = msgspec.json.Decoder(PushedPage)
Refused = msgspec.DecodeError  # not JSON, or not {"items": [...]} (its ValidationError)


@dataclass(frozen=True)
class NotJson:
    """An item that is not JSON orjson reads, with why."""

    reason: str
    text: str


def items(body: bytes) -> list[Any]:
    """The page's items as objects (raises `Refused` for a page that is not JSON or not
    `{"items": [...]}`); an item orjson cannot read is a `NotJson`."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        raw = DECODER.decode(body).items  # the page's shape is fine: which item is not?
        return [_one(memoryview(item)) for item in raw]
    found = parsed.get("items") if isinstance(parsed, dict) else None
    if not isinstance(found, list):
        raise msgspec.ValidationError('Send {"items": [...]}')
    return found


def _one(item: memoryview) -> Any:
    try:
        return orjson.loads(item)
    except orjson.JSONDecodeError as exc:
        return NotJson(str(exc), bytes(item)[:200].decode("utf-8", "replace"))
