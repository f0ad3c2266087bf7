"""The content hash put together from its parts (the record's own fields, made ready in the
preparing process, and the links the writer resolved) is the hash of the whole, byte for byte:
hashes stored before stay valid, so unchanged records still cost no write (S-08)."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import orjson

from repairlink.inbound.plan import content_hash, fields_json
from repairlink.pms.incoming import Incoming


def _whole(record: Incoming, resolved: dict[str, int]) -> str:
    written = {k: v for k, v in resolved.items() if not k.startswith("_")}
    body = orjson.dumps(
        [record.fields, written, record.archived], option=orjson.OPT_SORT_KEYS, default=str
    )
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def test_the_hash_from_its_parts_is_the_hash_of_the_whole() -> None:
    records = [
        Incoming("unit", "1", {"line1": "1 High St", "postcode": "AB1 2CD", "beds": 2}),
        Incoming(
            "tenancy",
            "2",
            {"start": date(2026, 1, 2), "rent": Decimal("950.50"), "tags": ["a", "b"]},
            archived=True,
        ),
        Incoming("occupier", "3", {"z": None, "a": {"nested": True, "b": 1}}),
    ]
    resolved = {"unit_id": 7, "_unit": 9, "occupier_id": 3}
    for record in records:
        for links in (resolved, {}):
            expected = _whole(record, links)
            assert content_hash(record, links) == expected
            assert content_hash(record, links, fields_json(record)) == expected
