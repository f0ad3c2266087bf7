"""What a PMS is told about an issue, typed and read-only: the issue, its unit, the awarded
quote, its documents and the PMS's own ids of what it touches. A connector builds its requests
from these and nothing else; the engine loads only what the profile's due steps need, so a
field that no step due needs is left empty (None, or nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from repairlink.domain.formats import UK, Formats
from repairlink.domain.issues import Document, Issue
from repairlink.domain.places import Unit


def work_order_marker(issue: Issue) -> str:
    """The issue's reference for a PMS to keep on its work order, to find it again after a
    crash. Issue numbers restart per agency, and agencies of one group may share a PMS account,
    so it names the agency: `[RL3-IS12]`."""
    return f"[RL{issue.agency_id}-{issue.reference}]"


@dataclass(frozen=True)
class PmsRefs:
    """The PMS's ids of what the issue touches. None: the PMS does not know it (yet), or no
    step due needs it and it was not looked up."""

    property: str | None = None  # the issue's unit
    estate: str | None = None  # the unit's estate and building (block management, PM-04)
    building: str | None = None
    supplier: str | None = None  # the instructed contractor
    tenant: str | None = None  # the reporting occupier
    tenancy: str | None = None  # their tenancy at the unit: only when they pay (a charge)
    work_order: str | None = None  # the issue's work order
    number: str | None = None  # the PMS's own number for the issue (PX-07)
    charge: str | None = None
    purchase_invoice: str | None = None
    issue_pdf: str | None = None  # the issue's PDF, attached to the work order
    documents_sent: frozenset[int] = frozenset()  # our documents the work order has


@dataclass(frozen=True)
class IssueFacts:
    issue: Issue
    unit: Unit | None  # loaded for the issue's PDF (its address); None otherwise
    quote: int | None  # the awarded quote's gross, in pence
    refs: PmsRefs
    documents: tuple[Document, ...]  # loaded when documents or a charge are due
    marker: str  # see `work_order_marker`
    cost_code: str | None = None  # the code of the issue's cost code (PM-04)
    # how the agency writes dates and money (its locale and time zone): loaded for the PDF
    formats: Formats = UK

    @property
    def reporter(self) -> str:
        """Who reported the issue, in words: name, email, phone."""
        issue = self.issue
        return ", ".join(
            v for v in (issue.reporter_name, issue.reporter_email, issue.reporter_phone) if v
        )

    @property
    def invoice(self) -> Document | None:
        return next((d for d in self.documents if d.kind == "invoice"), None)
