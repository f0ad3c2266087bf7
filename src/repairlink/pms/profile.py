"""The profile vocabulary: a PMS's rules as data, each declaration tagged with its SPEC rule id.

A connector's `profile.py` is a list of these, read like its source article. The engine
interprets them and never asks which PMS it is talking to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any, Literal

from repairlink.pms.incoming import Incoming

Config = Mapping[str, Any]
Predicate = Callable[[Incoming, Config], bool]


@dataclass(frozen=True)
class Entity:
    """A kind of record the PMS sends us, in the order the engine must take them."""

    rule: str
    kind: str


@dataclass(frozen=True)
class Filter:
    """Keep a record only if `keep` holds; otherwise it is skipped and counted under `rule`."""

    rule: str
    kind: str
    keep: Predicate
    reason: str


@dataclass(frozen=True)
class RequiresSynced:
    """A record whose linked record (`link`) is not synced is skipped under `rule`
    (e.g. an occupier whose tenancy is at a property we do not sync)."""

    rule: str
    kind: str
    link: str
    reason: str


class Policy(StrEnum):
    PMS_OWNED = "pms_owned"  # the PMS wins; a platform edit is refused (PM-02)
    SET_ON_CREATE_ONLY = "set_on_create_only"  # written when created, never updated (PW-06)
    MONOTONIC = "monotonic"  # moves only one way, e.g. active -> inactive (PX-02)
    OVERWRITE_ALL = "overwrite_all"  # every incoming value overwrites (PW-05)
    PLATFORM_OWNED = "platform_owned"  # the platform's field; the PMS never writes it


@dataclass(frozen=True)
class FieldPolicy:
    """How the PMS may write `field` of `kind` ("*" for every field not named elsewhere).
    For MONOTONIC, `towards` is the only value the field may move to."""

    rule: str
    kind: str
    field: str
    policy: Policy
    towards: Any = None


@dataclass(frozen=True)
class UpdateGuard:
    """An existing record is updated only if `allow(current, incoming)` holds (PX-02, PX-03).
    `current` is our row's fields."""

    rule: str
    kind: str
    allow: Callable[[Mapping[str, Any], Incoming], bool]
    reason: str


class ArchiveWhen(StrEnum):
    ARCHIVED_UPSTREAM = "archived_upstream"  # archived or deleted in the PMS
    FILTERED_OUT = "filtered_out"  # we hold it, and it stopped meeting the filters


@dataclass(frozen=True)
class Archival:
    """When a record we hold is archived (units: deactivated) by a sync."""

    rule: str
    kind: str
    when: ArchiveWhen


@dataclass(frozen=True)
class NeverArchive:
    """A record that is never archived for this reason, stated so that it is not forgotten
    (AL-06: a landlord stays when one of their properties stops syncing)."""

    rule: str
    kind: str
    when: ArchiveWhen
    why: str


@dataclass(frozen=True)
class KeepWhile:
    """A record is not archived for failing a filter while one of its children that we hold is
    still live (AL-05: an occupier stays while any of their tenancies is active; a tenant with
    an old tenancy and a current one must not flip between archived and restored)."""

    rule: str
    kind: str
    child_kind: str
    link: str  # the child's column naming this record, e.g. "occupier_id"
    live: str  # the child's boolean column, e.g. "active"


class MatchBy(StrEnum):
    EXTERNAL_REF = "external_ref"
    EMAIL = "email"
    ADDRESS = "address"


@dataclass(frozen=True)
class Match:
    """How an incoming record finds the platform record it is (AL-09), in order of trust."""

    rule: str
    kind: str
    by: tuple[MatchBy, ...]


@dataclass(frozen=True)
class Schedule:
    """When a sync runs, and for which kinds: every `every`, or at `cron` in `tz`. A run reads
    only the streams that carry its kinds. Incremental runs read what changed since this
    schedule's last good run, less `lookback`; `full` runs read everything. `creates=False`
    (PM-03's hourly run): a new record is left for a run that creates, and the report says so."""

    rule: str
    kinds: tuple[str, ...]
    every: timedelta | None = None
    cron: str | None = None
    tz: str = "UTC"
    full: bool = False
    lookback: timedelta = timedelta(minutes=10)
    initial_full: bool = True  # PX-01: some PMSs have no initial full sync
    creates: bool = True  # PM-03: the hourly run updates existing records, creates none

    @property
    def name(self) -> str:
        """Names its bookmark and its fired times."""
        return f"{self.rule}:{self.cron or self.every}"

    def describe(self) -> str:
        """When, in words: "hourly", "daily at 02:00 (Europe/London)"..."""
        if not self.initial_full:  # PX-01: say that there is no initial full sync
            hours = int(self.lookback.total_seconds() // 3600)
            return (
                f"{self._when()}, each run reading what changed in the last {hours} hours "
                "(there is no initial full sync)"
            )
        return self._when()

    def _when(self) -> str:
        if self.every is not None:
            return _every(self.every)
        minute, hour, day, month, weekday = (str(self.cron).split() + ["*"] * 5)[:5]
        at = f"{int(hour):02d}:{int(minute):02d}" if (hour + minute).isdigit() else None
        if at is None or month != "*":
            return f"on the schedule {self.cron} ({self.tz})"
        if day == "*" and weekday == "*":
            return f"daily at {at} ({self.tz})"
        if day == "*":
            return f"weekly at {at} ({self.tz})"
        return f"monthly on day {day} at {at} ({self.tz})"


def _every(step: timedelta) -> str:
    named = {timedelta(hours=1): "hourly", timedelta(days=1): "daily", timedelta(weeks=1): "weekly"}
    if step in named:
        return named[step]
    seconds = int(step.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds % size == 0:
            return f"every {seconds // size} {unit}s"
    return f"every {seconds} seconds"


@dataclass(frozen=True)
class Reconciliation:
    """Periodically deactivate active units that the PMS no longer lists (PW-09). Units a person
    deactivated are never re-activated by it."""

    rule: str
    kind: str
    cron: str
    tz: str


@dataclass(frozen=True)
class ConfigRule:
    """A rule about a connection's settings, checked when they are saved (PW-01): a problem is
    refused naming the setting (`field`) and the rule."""

    rule: str
    field: str
    check: Callable[[Config], str | None]  # returns the problem, in words, or None


@dataclass(frozen=True)
class Unsupported:
    """Something this PMS cannot do: said plainly on the connector's page and in the API, never
    an error (PX-08)."""

    rule: str
    what: str
    message: str


@dataclass(frozen=True)
class CreatedOnlyInPms:
    """Records of these kinds come only from the PMS: one made in the platform would never
    reach it, so making them here is refused while the agency is connected (PW-08)."""

    rule: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class StatusMap:
    """Our issue status -> the PMS's work-order status (None: that status sends nothing)."""

    rule: str
    mapping: Mapping[str, str | None]


@dataclass(frozen=True)
class SendIssues:
    """Issues go to the PMS as work orders: from the moment they are `instructed` (AL-10) or
    `created` (PW-08), with every later change in order. `description` tells people, in plain
    words and without rule ids, what reaches the PMS and when (the connector's page)."""

    rule: str
    once: Literal["instructed", "created"]
    description: str
    # to whom an issue must be instructed for it to be sent (PM-04: a contractor only); an
    # issue instructed to another party is not sent, and says why
    parties: tuple[str, ...] = ("contractor", "landlord")


@dataclass(frozen=True)
class AttachDocuments:
    """Once the issue is `completed` (or later: PW-08) or `closed` (AL-12), the work order
    receives these kinds of document, and a PDF of the issue if `issue_pdf`."""

    rule: str
    when: Literal["completed", "closed"]
    issue_pdf: bool
    document_kinds: tuple[str, ...]


@dataclass(frozen=True)
class ChargeOnClose:
    """On close, a charge for the work goes to the PMS, against whoever pays (C-04), unless a
    condition says why not; the issue shows that reason."""

    rule: str
    category: str
    not_when_paid_by: tuple[str, ...]
    needs_invoice: bool
    raise_immediately: bool


@dataclass(frozen=True)
class PurchaseInvoiceOnClose:
    """On close, a purchase invoice goes to the PMS: the issue's reference, the job's (the
    work order's), the invoice's net and gross amounts (PM-06)."""

    rule: str


@dataclass(frozen=True)
class UpdateOnlyWhileAssigned:
    """Every new issue creates its work order, but later changes reach a work order only while
    the PMS still has it assigned to the integration user; unassigned there, it is the PMS's
    to edit and is left alone (PX-04)."""

    rule: str


@dataclass(frozen=True)
class RenumberOnFirstSync:
    """The PMS numbers work orders itself: on an issue's first sync its number is kept for the
    issue and shown with it; the platform's own number stays searchable (PX-07)."""

    rule: str


Declaration = (
    Entity
    | Filter
    | RequiresSynced
    | FieldPolicy
    | UpdateGuard
    | Archival
    | NeverArchive
    | KeepWhile
    | Match
    | Schedule
    | Reconciliation
    | ConfigRule
    | Unsupported
    | CreatedOnlyInPms
    | StatusMap
    | SendIssues
    | AttachDocuments
    | ChargeOnClose
    | PurchaseInvoiceOnClose
    | UpdateOnlyWhileAssigned
    | RenumberOnFirstSync
)


@dataclass(frozen=True)
class Withheld:
    """Fields a record may not have written: every field but those `listed` when
    `all_but_listed` (a "*" policy withholds), else exactly those `listed`."""

    all_but_listed: bool
    listed: frozenset[str]

    def keep(self, fields: dict[str, Any]) -> dict[str, Any]:
        if self.all_but_listed:
            return {name: value for name, value in fields.items() if name in self.listed}
        if not self.listed:
            return dict(fields)
        return {name: value for name, value in fields.items() if name not in self.listed}


@dataclass(frozen=True)
class Profile:
    system: str
    rules: tuple[Declaration, ...]
    _index: dict[tuple[type, str | None], list[Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _policies: dict[str, dict[str, FieldPolicy | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _withheld: dict[tuple[str, bool], Withheld] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def of(self, cls: type[Any], kind: str | None = None) -> list[Any]:
        """Declarations of one type, optionally for one record kind (indexed: the engine asks
        this for every record)."""
        key = (cls, kind)
        if key not in self._index:
            self._index[key] = [
                r
                for r in self.rules
                if isinstance(r, cls) and (kind is None or getattr(r, "kind", kind) == kind)
            ]
        return self._index[key]

    @property
    def kinds(self) -> list[str]:
        return [e.kind for e in self.of(Entity)]

    def rule_ids(self) -> set[str]:
        return {r.rule for r in self.rules}

    def policy_for(self, kind: str, field_name: str) -> FieldPolicy | None:
        # asked for every field of every record: a dict per kind, no key built per call
        by_field = self._policies.setdefault(kind, {})
        if field_name not in by_field:
            policies = self.of(FieldPolicy, kind)
            named = [p for p in policies if p.field == field_name]
            default = [p for p in policies if p.field == "*"]
            by_field[field_name] = (named or default or [None])[0]
        return by_field[field_name]

    def withheld(self, kind: str, *, creating: bool) -> Withheld:
        """Which of a `kind` record's fields the PMS may not write: platform-owned ones, and
        set-on-create-only ones when the record exists (worked out once, not per field)."""
        key = (kind, creating)
        if key not in self._withheld:
            held = {Policy.PLATFORM_OWNED} | (set() if creating else {Policy.SET_ON_CREATE_ONLY})
            policies = self.of(FieldPolicy, kind)
            named = {p.field: p.policy in held for p in policies if p.field != "*"}
            default = next((p.policy in held for p in policies if p.field == "*"), False)
            listed = {name for name, out in named.items() if out != default}
            self._withheld[key] = Withheld(all_but_listed=default, listed=frozenset(listed))
        return self._withheld[key]

    def archives(self, kind: str, when: ArchiveWhen) -> bool:
        return any(a.when is when for a in self.of(Archival, kind))
