"""An issue's facts for one send, loaded by what the profile's steps due at its status need
(`IssueFacts`): documents only when documents or a charge are due, the occupier's tenancy only
when a charge against them may go, the unit and the PDF's reference only when a PDF is due."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from repairlink.domain.formats import UK, Formats
from repairlink.domain.issues import Document, Issue, PayingForWork, Quote, QuoteStatus
from repairlink.domain.people import ExternalRef, Tenancy
from repairlink.domain.places import CostCode, Unit
from repairlink.errors import NotFoundError
from repairlink.pms.issue_facts import IssueFacts, PmsRefs, work_order_marker
from repairlink.pms.profile import (
    AttachDocuments,
    ChargeOnClose,
    Profile,
    PurchaseInvoiceOnClose,
    RenumberOnFirstSync,
)
from repairlink.store.db import reading
from repairlink.store.precompiled import Precompiled
from repairlink.store.rows import from_row
from repairlink.store.tables import agencies, cols

# AttachDocuments.when -> the issue statuses at which its documents are due: "completed" holds
# for every status a completed job goes on to, so a completion sent late is still attached
REACHED = {
    "completed": frozenset({"completed", "awaiting_feedback", "closed"}),
    "closed": frozenset({"closed"}),
}


def _place_columns() -> tuple[sa.ScalarSelect[Any], ...]:
    """The issue's unit's estate and building, and its cost code's code (block management,
    PM-04), as columns of the issue's own query: no query of their own."""
    i, u, c = cols(Issue), cols(Unit), cols(CostCode)
    return (
        sa.select(u.estate_id).where(u.id == i.unit_id).scalar_subquery(),
        sa.select(u.building_id).where(u.id == i.unit_id).scalar_subquery(),
        sa.select(c.code).where(c.id == i.cost_code_id).scalar_subquery(),
    )


@dataclass(frozen=True)
class Due:
    """The steps the profile sets off at one issue status."""

    attach: tuple[AttachDocuments, ...] = ()
    charges: tuple[ChargeOnClose, ...] = ()
    invoices: tuple[PurchaseInvoiceOnClose, ...] = ()
    renumber: bool = False  # the PMS's number is kept once known

    @property
    def documents(self) -> bool:
        return bool(self.attach or self.charges)  # a charge carries the invoice document

    @property
    def issue_pdf(self) -> bool:
        return any(rule.issue_pdf for rule in self.attach)


def due_at(profile: Profile, status: str) -> Due:
    closing = status == "closed"
    attach: list[AttachDocuments] = profile.of(AttachDocuments)
    charges: list[ChargeOnClose] = profile.of(ChargeOnClose) if closing else []
    invoices: list[PurchaseInvoiceOnClose] = profile.of(PurchaseInvoiceOnClose) if closing else []
    return Due(
        attach=tuple(rule for rule in attach if status in REACHED[rule.when]),
        charges=tuple(charges),
        invoices=tuple(invoices),
        renumber=bool(profile.of(RenumberOnFirstSync)),
    )


_PLACE = _place_columns()
PLACE_NAMES = ("estate", "building", "code")  # _PLACE's columns, as the issues' query labels them


# What the way out reads an issue's facts with: (system, issue id, what is due) -> the facts.
ReadFacts = Callable[[str, int, Due], IssueFacts]


@dataclass(frozen=True)
class FactsReader:
    """Reads an issue's facts for one PMS in the event's agency, with Core on a read-only
    connection: no unit of work, no ORM session, and on SQLite no wait for the writers' lock
    (the facts are read once for every delivery, so this is the way out's hot path)."""

    engine: sa.Engine
    agency_id: int

    def __call__(self, system: str, issue_id: int, due: Due) -> IssueFacts:
        with reading(self.engine) as conn:
            found = read_many(conn, self.agency_id, system, [(issue_id, due)])
        if issue_id not in found:  # as the agency's unit of work answers a missing or foreign id
            raise NotFoundError("issue.not_found", f"No issue {issue_id}", field="issue_id")
        return found[issue_id]


@dataclass(frozen=True)
class ReadAhead:
    """Facts read for a whole batch of sends at once (`read_many`), answered for the sends
    they were read for; any other read goes to `read`."""

    ahead: Mapping[tuple[str, int, Due], IssueFacts]
    read: ReadFacts

    def __call__(self, system: str, issue_id: int, due: Due) -> IssueFacts:
        facts = self.ahead.get((system, issue_id, due))
        return facts if facts is not None else self.read(system, issue_id, due)


def _issues_query() -> sa.Select[Any]:
    i, q = cols(Issue), cols(Quote)
    awarded = (
        sa.select(q.gross)
        .where(q.issue_id == i.id, q.status == QuoteStatus.AWARDED)
        .limit(1)
        .scalar_subquery()
    )
    return sa.select(
        *i,
        awarded.label("_quote"),
        *(c.label(f"_{n}") for n, c in zip(PLACE_NAMES, _PLACE, strict=True)),
    ).where(
        # by their ids alone, the agency checked on the rows: given both, PostgreSQL without
        # statistics (a new database, autovacuum not yet round) walked the agency's every
        # issue on (agency_id, number) to find one (0.46 ms at 2,000 issues, growing)
        i.id.in_(sa.bindparam("issue_ids", expanding=True)),
    )


# Built once, as the refs' queries below: building the statement for every delivery cost more
# of the senders' CPU than running it (py-spy over bench/outage.py's drain: 28% of the time
# the senders held the GIL went on building and caching these two queries)
ISSUES = Precompiled(_issues_query())  # on the driver's cursor (store/precompiled.py)


def read_many(
    conn: sa.Connection, agency_id: int, system: str, wanted: Sequence[tuple[int, Due]]
) -> dict[int, IssueFacts]:
    """The facts of these issues (each with what is due at its send) in two queries whatever
    their number (the issues, then the PMS's ids), and what a due step needs besides; an issue
    that is missing or another agency's is left out."""
    due_of = dict(wanted)
    found = ISSUES.rows(conn, {"issue_ids": list(due_of)})
    mine = [row for row in found if row["agency_id"] == agency_id]
    gathered = [_gather(conn, row, due_of[row["id"]]) for row in mine]
    refs = _refs(conn, agency_id, system, [pair for g in gathered for pair in g.wanted])
    formats = _formats(conn, agency_id) if any(d.issue_pdf for _, d in wanted) else UK
    return {g.issue.id: _facts(g, refs, formats) for g in gathered}


def _formats(conn: sa.Connection, agency_id: int) -> Formats:
    """The agency's locale and time zone, for the issue's PDF (only loaded when one is due)."""
    a = agencies.c
    row = conn.execute(sa.select(a.locale, a.time_zone).where(a.id == agency_id)).first()
    return UK if row is None else Formats(row.locale, row.time_zone)


@dataclass(frozen=True)
class _Gathered:
    """One issue's row and what its due steps need, before the PMS's ids are known."""

    row: Any
    issue: Issue
    unit: Unit | None
    documents: list[Document]
    tenancies: list[Tenancy]
    wanted: list[tuple[str, int | None]]  # the (kind, our id) whose PMS ids the send needs


def _gather(conn: sa.Connection, found: Any, due: Due) -> _Gathered:
    issue = from_row(Issue, found)
    unit = None
    if due.issue_pdf and issue.unit_id:
        u = cols(Unit)
        row = conn.execute(sa.select(*u).where(u.id == issue.unit_id)).mappings().first()
        unit = from_row(Unit, row) if row is not None else None
    documents: list[Document] = []
    if due.documents:
        d = cols(Document)
        rows = conn.execute(sa.select(*d).where(d.issue_id == issue.id).order_by(d.id))
        documents = [from_row(Document, row) for row in rows.mappings()]
    tenancies = _tenancies(conn, issue) if due.charges else []
    wanted = [
        ("unit", issue.unit_id),
        ("estate", found["_estate"]),
        ("building", found["_building"]),
        ("contractor", issue.contractor_id),
        ("occupier", issue.reporter_occupier_id),
        ("issue", issue.id),
    ]
    wanted += [
        (kind, issue.id)
        for kind, needed in (
            ("issue_number", due.renumber),
            ("charge", bool(due.charges)),
            ("purchase_invoice", bool(due.invoices)),
            ("issue_pdf", due.issue_pdf),
        )
        if needed
    ]
    wanted += [("tenancy", tenancy.id) for tenancy in tenancies]
    wanted += [("document", doc.id) for doc in documents]
    return _Gathered(found, issue, unit, documents, tenancies, wanted)


def _facts(g: _Gathered, refs: Mapping[tuple[str, Any], str], formats: Formats) -> IssueFacts:
    issue, found, docs = g.issue, g.row, g.documents
    estate_id, building_id = found["_estate"], found["_building"]
    return IssueFacts(
        issue=issue,
        unit=g.unit,
        quote=found["_quote"],
        refs=PmsRefs(
            property=refs.get(("unit", issue.unit_id)),
            estate=refs.get(("estate", estate_id)),
            building=refs.get(("building", building_id)),
            supplier=refs.get(("contractor", issue.contractor_id)),
            tenant=refs.get(("occupier", issue.reporter_occupier_id)),
            tenancy=next((refs[k] for x in g.tenancies if (k := ("tenancy", x.id)) in refs), None),
            work_order=refs.get(("issue", issue.id)),
            number=refs.get(("issue_number", issue.id)),
            charge=refs.get(("charge", issue.id)),
            purchase_invoice=refs.get(("purchase_invoice", issue.id)),
            issue_pdf=refs.get(("issue_pdf", issue.id)),
            documents_sent=frozenset(doc.id for doc in docs if ("document", doc.id) in refs),
        ),
        documents=tuple(docs),
        marker=work_order_marker(issue),
        cost_code=found["_code"],
        formats=formats,
    )


def _tenancies(conn: sa.Connection, issue: Issue) -> list[Tenancy]:
    """The reporting occupier's tenancies at the unit, newest first: only when they pay."""
    if issue.paying_for_work is not PayingForWork.OCCUPIER or issue.reporter_occupier_id is None:
        return []
    t = cols(Tenancy)
    rows = conn.execute(
        sa.select(*t)
        .where(
            t.agency_id == issue.agency_id,
            t.occupier_id == issue.reporter_occupier_id,
            t.unit_id == issue.unit_id,
        )
        .order_by(t.start_date.desc())
    )
    return [from_row(Tenancy, row) for row in rows.mappings()]


def _refs(
    conn: sa.Connection, agency_id: int, system: str, wanted: list[tuple[str, int | None]]
) -> dict[Any, str]:
    """The PMS's ids of these (kind, our id) records, in one query: (kind, id) -> its id."""
    ids: dict[str, set[int]] = {}
    for kind, entity_id in wanted:
        if entity_id is not None:
            ids.setdefault(kind, set()).add(entity_id)
    if not ids:
        return {}
    kinds = tuple(sorted(ids))
    params: dict[str, Any] = {"system": system}
    params |= {f"ids_{n}": list(ids[kind]) for n, kind in enumerate(kinds)}
    return {
        (row["entity_kind"], row["entity_id"]): row["external_id"]
        for row in _refs_query(kinds).rows(conn, params)
        if row["agency_id"] == agency_id
    }


@functools.cache
def _refs_query(kinds: tuple[str, ...]) -> Precompiled:
    """The refs' query for these kinds of record, built once for each set of kinds."""
    r = cols(ExternalRef)
    # Looked up by the (kind, id) index, one kind after another. The agency is checked by the
    # caller, not in the query: with it there, SQLite reads every reference of the agency (its
    # unique index starts with the agency), one more with each work order sent.
    wanted = (
        sa.and_(r.entity_kind == kind, r.entity_id.in_(sa.bindparam(f"ids_{n}", expanding=True)))
        for n, kind in enumerate(kinds)
    )
    return Precompiled(
        sa.select(r.entity_kind, r.entity_id, r.external_id, r.agency_id)
        .where(r.system == sa.bindparam("system"), sa.or_(*wanted))
        .order_by(r.id.desc())  # the oldest reference wins: it is written last
    )
