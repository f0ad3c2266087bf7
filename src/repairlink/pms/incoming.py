"""What a connector hands the engine: one PMS record, already mapped to our words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Incoming:
    """A PMS record mapped to one of our record kinds.

    `fields` are our field names and values (what gets written); `attrs` are PMS facts that the
    profile's filters read but we do not store (record type, management type, user type...);
    `links` name related records by their PMS id (`{"unit_id": ("unit", "123")}`), resolved by
    the engine to our ids.
    """

    kind: str
    external_id: str
    fields: dict[str, Any]
    attrs: dict[str, Any] = field(default_factory=dict)
    links: dict[str, tuple[str, str]] = field(default_factory=dict)
    external_oid: str | None = None
    archived: bool = False  # archived, deleted or inactive upstream
    # Set when this source can update a record we hold but cannot create one (it lacks the
    # facts the filters need): the rule id that says where such records come from.
    update_only: str | None = None
    # Links that may name a record we do not hold: then the link is left empty, where any
    # other unknown reference quarantines the record (PW-04: the resident "when one is given").
    optional_links: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type[Incoming], tuple[Any, ...]]:
        # pickled as its constructor's arguments: a page comes from the preparing process so,
        # and the default for a class with slots (an attribute set at a time) took 12 us a
        # record to unpickle, with the interpreter lock held against the writer
        return Incoming, (
            self.kind,
            self.external_id,
            self.fields,
            self.attrs,
            self.links,
            self.external_oid,
            self.archived,
            self.update_only,
            self.optional_links,
        )


@dataclass(slots=True)
class Malformed:
    """A PMS record the connector could not map (missing field, wrong type): quarantined (S-04).
    `reason` names the PMS field and what was wrong (`pms.set_aside`); a record without its
    own id ("" here) is told by `where`: another field it has, or its place on its page."""

    kind: str
    external_id: str
    reason: str
    payload: dict[str, Any]
    where: str = ""

    @property
    def told(self) -> str:
        """The reason as the run report keeps it, with how to find a record without an id."""
        return f"{self.reason} ({self.where})" if self.where else self.reason
