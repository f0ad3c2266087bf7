"""What the pages of a person (an occupier, a contractor, a landlord) share: the record, its
references in other systems (C-02), the issues they are part of, and its history (C-13)."""

from __future__ import annotations

from typing import Any

from repairlink.domain.people import Person
from repairlink.services import references
from repairlink.services.issue_search import IssueQuery, find_issues
from repairlink.web import timeline
from repairlink.web.session import Viewer

KINDS = {"occupier": "Occupier", "contractor": "Contractor", "landlord": "Landlord"}
LISTS = {"occupier": "/occupiers", "contractor": "/contractors", "landlord": "/landlords"}


def person_context(viewer: Viewer, person: Person, kind: str, query: IssueQuery) -> dict[str, Any]:
    issues = find_issues(viewer.uow(), viewer.who, query, per_page=50)
    return {
        "title": person.display_name or KINDS[kind],
        "person": person,
        "kind": kind,
        "kind_title": KINDS[kind],
        "list_url": LISTS[kind],
        "refs": references.references_of(viewer.uow(), kind, person.id, limit=100).items,
        "issues": issues,
        "trail": timeline.trail(viewer.uow(), viewer.formats, kind, person.id),
    }
