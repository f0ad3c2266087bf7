"""Deciding what one incoming record does to our data, by the profile's rules. Pure: no I/O.

The decision is the same for a real run and a dry run (S-07); only applying it differs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson

from repairlink.pms.incoming import Incoming
from repairlink.pms.profile import (
    Archival,
    ArchiveWhen,
    Config,
    Filter,
    NeverArchive,
    Policy,
    Profile,
    RequiresSynced,
    UpdateGuard,
)

DERIVED = frozenset({"address_key"})  # written, but not a change a person made or reads
# values a creation's audit leaves out (a module's tuple: one with a list in it is built anew
# wherever it is written)
_EMPTY: tuple[Any, ...] = (None, "", [])
ACTIVE = "_active"  # pseudo-field: a unit's `active`, a person's `archived_at is None`...
BY_SYNC = "_archived_by_sync"  # was it a sync (not a person) that archived it?


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    RESTORE = "restore"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    DEFER = "defer"  # new, but this run creates nothing: left for one that does (PM-03)


@dataclass(slots=True)
class Held:
    """What we hold for an incoming record."""

    entity_id: int
    content_hash: str | None  # of what was last synced; None: never synced from this PMS
    row: dict[str, Any] | None = None  # current values (with ACTIVE/BY_SYNC); loaded if needed
    # it bears this PMS's reference (synced, or attached by hand: adopted, AL-09); otherwise
    # it was matched by email or address and the reference is added
    has_ref: bool = False


@dataclass(slots=True)
class Decision:
    action: Action
    record: Incoming
    content_hash: str
    held: Held | None = None
    values: dict[str, Any] = field(default_factory=dict)  # columns to write
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field -> [before, after]
    rule: str | None = None
    reason: str = ""
    by_use_case: bool = False  # created through the kind's use case (its own audit and events)


def fields_json(record: Incoming) -> bytes:
    """The record's own part of its content hash, which needs no database: computed where the
    page is made ready (another process), so the writer only adds the links it resolved."""
    return orjson.dumps(record.fields, option=orjson.OPT_SORT_KEYS, default=str)


def content_hash(record: Incoming, resolved: dict[str, int], own: bytes | None = None) -> str:
    """Of what would be written; check-only links ("_unit") vary by source, so stay out.
    The hash of `[fields, links written, archived]` as sorted JSON, put together from its
    parts (`own`: `fields_json(record)`, if known) byte for byte as one `orjson.dumps`."""
    written = {k: v for k, v in resolved.items() if not k.startswith("_")}
    body = b"".join(
        (
            b"[",
            fields_json(record) if own is None else own,
            b",",
            orjson.dumps(written, option=orjson.OPT_SORT_KEYS, default=str),
            b",",
            orjson.dumps(record.archived, default=str),
            b"]",
        )
    )
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def first_failure(
    profile: Profile,
    record: Incoming,
    config: Config,
    unresolved: set[str],
    *,
    filters_met: bool = False,
) -> tuple[str, str] | None:
    """The first filter or required link the record fails: (rule, reason). `filters_met`:
    the filters were checked already (when the page was made ready); links remain."""
    for flt in () if filters_met else profile.of(Filter, record.kind):
        if not flt.keep(record, config):
            return flt.rule, flt.reason
    for req in profile.of(RequiresSynced, record.kind):
        if req.link in unresolved:
            return req.rule, req.reason
    return None


def decide(
    profile: Profile,
    record: Incoming,
    config: Config,
    *,
    held: Held | None,
    resolved: dict[str, int],
    unresolved: set[str],
    digest: str | None = None,
    filters_met: bool = False,
    filter_failed: tuple[str, str] | None = None,
) -> Decision:
    """Needs `held.row` loaded whenever `held` is set and its hash differs from the record's.
    `digest`: the record's content hash, if the caller has it already ("" where no write can
    need it: a record that will be skipped); `filters_met`: the record is known to meet the
    profile's filters; `filter_failed`: the filter it is known to fail, (rule, reason)."""
    digest = content_hash(record, resolved) if digest is None else digest
    kind = record.kind
    if held is None and record.update_only:
        return Decision(
            Action.SKIP,
            record,
            digest,
            None,
            rule=record.update_only,
            reason="not created from this list; it arrives with its parent record",
        )
    if record.archived:
        rule = _archival_rule(profile, kind, ArchiveWhen.ARCHIVED_UPSTREAM)
        return _retire(
            record,
            digest,
            held,
            rule or "archived",
            "Archived in the PMS",
            can_archive=rule is not None,
        )
    failure = filter_failed or first_failure(
        profile, record, config, unresolved, filters_met=filters_met
    )
    if failure is not None:
        rule, reason = failure
        archives = _archival_rule(profile, kind, ArchiveWhen.FILTERED_OUT) is not None
        kept = _kept_because(profile, kind, ArchiveWhen.FILTERED_OUT)
        if held is not None and kept:
            reason = f"{reason}; kept, not archived: {kept}"
        return _retire(record, digest, held, rule, reason, can_archive=archives)
    written = {k: v for k, v in resolved.items() if not k.startswith("_")}  # "_x": a check only
    if held is None:
        values = {**_writable(profile, record, creating=True), **written}
        # a true value is never one of _EMPTY: the three comparisons only for a false one
        changes = {
            k: [None, v] for k, v in values.items() if (v or v not in _EMPTY) and k not in DERIVED
        }
        return Decision(Action.CREATE, record, digest, None, values, changes)
    if held.content_hash == digest:
        return Decision(Action.UNCHANGED, record, digest, held)
    return _update(profile, record, digest, held, written)


def _archival_rule(profile: Profile, kind: str, when: ArchiveWhen) -> str | None:
    if _kept_because(profile, kind, when) is not None:
        return None
    rules = [a.rule for a in profile.of(Archival, kind) if a.when is when]
    return rules[0] if rules else None


def _kept_because(profile: Profile, kind: str, when: ArchiveWhen) -> str | None:
    """Why a record of this kind is never archived for this reason (AL-06), if it is not."""
    for never in profile.of(NeverArchive, kind):
        if never.when is when:
            why: str = never.why
            return why
    return None


def _retire(
    record: Incoming,
    digest: str,
    held: Held | None,
    rule: str,
    reason: str,
    *,
    can_archive: bool,
) -> Decision:
    """A record that should not be live here: archive ours if the profile says so, else skip."""
    if held is not None and can_archive:
        row = held.row or {}
        if row.get(ACTIVE, True):
            return Decision(
                Action.ARCHIVE,
                record,
                digest,
                held,
                changes={"active": [True, False]},
                rule=rule,
                reason=reason,
            )
        return Decision(Action.UNCHANGED, record, digest, held, rule=rule, reason=reason)
    return Decision(Action.SKIP, record, digest, held, rule=rule, reason=reason)


def _writable(profile: Profile, record: Incoming, *, creating: bool) -> dict[str, Any]:
    return profile.withheld(record.kind, creating=creating).keep(record.fields)


def _update(
    profile: Profile, record: Incoming, digest: str, held: Held, resolved: dict[str, int]
) -> Decision:
    row = held.row or {}
    for guard in profile.of(UpdateGuard, record.kind):
        if not guard.allow(row, record):
            return Decision(Action.SKIP, record, digest, held, rule=guard.rule, reason=guard.reason)
    values: dict[str, Any] = {}
    changes: dict[str, list[Any]] = {}
    for name, value in {**_writable(profile, record, creating=False), **resolved}.items():
        policy = profile.policy_for(record.kind, name)
        if policy is not None and policy.policy is Policy.MONOTONIC and value != policy.towards:
            continue
        if row.get(name) != value:
            values[name] = value
            if name not in DERIVED:
                changes[name] = [row.get(name), value]
    action = Action.UPDATE
    if not row.get(ACTIVE, True) and row.get(BY_SYNC):
        action, changes["active"] = Action.RESTORE, [False, True]  # a sync archived it: undo
    elif not values:
        action = Action.UNCHANGED  # content moved, but nothing we may write did
    return Decision(action, record, digest, held, values, changes)
