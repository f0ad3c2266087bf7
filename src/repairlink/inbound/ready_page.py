"""A page made ready for deciding, with no database in sight: parsed and mapped by the
connector, a record seen twice kept once, and every record that meets the filters
normalised as the platform's own forms do (or set aside with the reason, S-04).

Pure, so that it can run in a process of its own while the engine writes (see `preparing`).
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from dataclasses import dataclass, replace

import lz4.frame

from repairlink.domain.words import refusal_words
from repairlink.errors import RepairlinkError
from repairlink.inbound.normalise import prepare
from repairlink.inbound.plan import fields_json, first_failure
from repairlink.pms.connector import FetchedPage
from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.profile import Config, Profile


@dataclass
class ReadyPage:
    by_kind: dict[str, list[Incoming]]  # in page order; normalised if they meet the filters
    passing: dict[str, set[str]]  # per kind, the external ids that meet the filters
    # per kind, the live records that fail a filter: external id -> (rule, reason)
    failures: dict[str, dict[str, tuple[str, str]]]
    bad: list[Malformed]  # not mapped, or not normalised: to quarantine (S-04)
    next_cursor: str | None
    size: int  # records the connector sent
    # per kind, of those that meet the filters: external id -> their fields as their content
    # hash reads them (`plan.fields_json`), made here rather than by the writer
    own_json: dict[str, dict[str, bytes]]


@dataclass(frozen=True, slots=True)
class PackedPage:
    """A ready page as pickled bytes, as it comes from the preparing process: a few times
    smaller than its objects, so pages waiting ahead of the writer hold little memory; the
    writer makes it objects again when it takes it (`open`). The bytes are compressed (LZ4:
    some 0.1 ms a page in the preparing process, 0.03 ms to open, 2.7 times smaller), so the
    read-ahead's byte bound holds that many more pages: a second of the writer's work where
    it held a quarter, enough to hide a 429's Retry-After. zlib's fastest level, until the
    eighth session, was a fifth smaller again and took 0.5 and 0.2 ms (Alto pages)."""

    data: bytes
    next_cursor: str | None
    size: int  # records the connector sent

    @classmethod
    def pack(cls, page: ReadyPage) -> PackedPage:
        data = lz4.frame.compress(pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL))
        return cls(data, page.next_cursor, page.size)

    def open(self) -> ReadyPage:
        page: ReadyPage = pickle.loads(lz4.frame.decompress(self.data))  # ours, from our process
        page.next_cursor = self.next_cursor  # the lane's cursor, where the page is in a lane
        return page

    def leading_to(self, next_cursor: str | None) -> PackedPage:
        """The same page with the cursor after it said otherwise (a lane's: `inbound/lanes`)."""
        return replace(self, next_cursor=next_cursor)


def filter_failure(profile: Profile, config: Config, record: Incoming) -> tuple[str, str] | None:
    """The first filter a live record fails (links are checked later, with ours)."""
    return None if record.archived else first_failure(profile, record, config, set())


def make_ready(
    profile: Profile, config: Config, page: FetchedPage, *, region: str = "GB"
) -> ReadyPage:
    seen: dict[str, dict[str, Incoming]] = defaultdict(dict)
    good: dict[str, dict[str, bool]] = defaultdict(dict)
    failed: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    bad: list[Malformed] = []
    for record in page.records:
        if isinstance(record, Malformed):
            bad.append(record)
            continue
        # a record seen twice in one page (a tenant in an old and a new tenancy) is taken in
        # its best light: a copy that meets the filters beats one that does not, else the last
        failure = filter_failure(profile, config, record)
        ok = not record.archived and failure is None
        kind, ext = record.kind, record.external_id
        if ext not in seen[kind] or ok or not good[kind][ext]:
            seen[kind][ext], good[kind][ext] = record, ok
            if failure is None:
                failed[kind].pop(ext, None)
            else:
                failed[kind][ext] = failure
    by_kind: dict[str, list[Incoming]] = {}
    own_json: dict[str, dict[str, bytes]] = {}
    for kind, records in seen.items():
        kept, own = [], {}
        for ext, record in records.items():
            if not good[kind][ext]:  # to be skipped or archived: its values are not written
                kept.append(record)
                continue
            try:
                kept.append(prepare(record, region))
                own[ext] = fields_json(record)
            except RepairlinkError as exc:
                reason = refusal_words(exc.field, exc.message)
                bad.append(Malformed(kind, ext, reason, record.fields))
        by_kind[kind], own_json[kind] = kept, own
    passing = {kind: set(own) for kind, own in own_json.items()}
    failures = {kind: failed.get(kind, {}) for kind in by_kind}
    return ReadyPage(by_kind, passing, failures, bad, page.next_cursor, len(page.records), own_json)
