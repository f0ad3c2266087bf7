"""What a connector can do on the way out, one small protocol per capability. A connector's
outbound class implements those its PMS offers; its profile declares when each is used
(`pms/profile.py`: SendIssues, AttachDocuments, ChargeOnClose, PurchaseInvoiceOnClose,
UpdateOnlyWhileAssigned, RenumberOnFirstSync). The engine (`outbound/`) reads the declarations
and calls the capabilities, never asking which PMS it talks to; a profile that declares a step
its connector cannot take is refused when the registry is built (`check_offered`).

Every write carries `key`, unique per event and step, for the PMS to de-duplicate on. Errors:
TransientFetchError (retry) or TerminalFetchError (dead-letter), as on the way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from repairlink.pms.issue_facts import IssueFacts
from repairlink.pms.profile import (
    AttachDocuments,
    ChargeOnClose,
    Profile,
    PurchaseInvoiceOnClose,
    RenumberOnFirstSync,
    SendIssues,
    UpdateOnlyWhileAssigned,
)


@dataclass(frozen=True)
class PmsWorkOrder:
    id: str
    number: str | None = None  # where the PMS numbers its work orders itself (PX-07)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Charge:
    """A charge the profile's ChargeOnClose let through: for the PMS to post as it posts
    charges (the connector reads the property, tenancy and supplier from the facts)."""

    work_order: str
    occupier_pays: bool  # True: against the occupier's tenancy; False: the landlord(s)
    category: str
    net: int  # pence
    vat: int
    invoice: Attachment | None  # the invoice document, if the issue has one
    raise_immediately: bool


@dataclass(frozen=True)
class PurchaseInvoice:
    """PM-06: the issue's reference, the job's (the PMS work order's id), net and gross."""

    issue_reference: str
    job_reference: str
    net: int  # pence
    gross: int


@runtime_checkable
class WorkOrders(Protocol):
    """The issue as a work order in the PMS (SendIssues)."""

    def create_work_order(self, facts: IssueFacts, status: str, *, key: str) -> PmsWorkOrder:
        """Create it in this PMS status; answers the PMS's id (and its number if it has one)."""
        ...

    def update_work_order(
        self, facts: IssueFacts, work_order: str, status: str, *, notes: str | None, key: str
    ) -> None:
        """Bring it to this PMS status (with the contractor's completion notes, if given)."""
        ...

    def find_work_order(self, facts: IssueFacts) -> PmsWorkOrder | None:
        """The work order an attempt may have created unrecorded (it failed, or its worker
        died), found by what the create wrote (e.g. `facts.marker`); None: there is none."""
        ...

    def close(self) -> None:
        """Release the client (connections, tokens)."""
        ...


@runtime_checkable
class Documents(Protocol):
    """Files on a work order (AttachDocuments)."""

    def attach(self, work_order: str, document: Attachment, *, key: str) -> str:
        """Answers the PMS's id of the attached file."""
        ...


@runtime_checkable
class Charges(Protocol):
    """A charge for the work, against the landlord(s) or the occupier (ChargeOnClose)."""

    def post_charge(self, facts: IssueFacts, charge: Charge, *, key: str) -> str: ...


@runtime_checkable
class PurchaseInvoices(Protocol):
    """A purchase invoice for the job (PurchaseInvoiceOnClose)."""

    def post_purchase_invoice(
        self, facts: IssueFacts, invoice: PurchaseInvoice, *, key: str
    ) -> str: ...


@runtime_checkable
class Assignment(Protocol):
    """Whether the PMS still has a work order assigned to the integration user
    (UpdateOnlyWhileAssigned)."""

    def still_assigned(self, work_order: str) -> bool: ...


@runtime_checkable
class Renumbering(Protocol):
    """The PMS numbers work orders itself (RenumberOnFirstSync)."""

    def work_order_number(self, work_order: PmsWorkOrder) -> str:
        """Its number: the one the create answered, or read from the PMS when the work order
        was found again instead."""
        ...


# Each outbound step a profile may declare, and the capability that takes it
NEEDED: tuple[tuple[type, type], ...] = (
    (SendIssues, WorkOrders),
    (AttachDocuments, Documents),
    (ChargeOnClose, Charges),
    (PurchaseInvoiceOnClose, PurchaseInvoices),
    (UpdateOnlyWhileAssigned, Assignment),
    (RenumberOnFirstSync, Renumbering),
)


class MissingCapability(TypeError):
    """A connector's profile declares a step its outbound class cannot take."""


def check_offered(system: str, profile: Profile, offered: object) -> None:
    """Refuse a profile whose declared steps the connector's outbound class (None: it sends
    nothing) does not implement, naming the connector, each step and what it lacks."""
    if offered is not None and not isinstance(offered, type):
        raise MissingCapability(
            f"Connector '{system}': its outbound side must be a class, so that the "
            f"capabilities it offers can be checked (got {offered!r})"
        )
    lacking = [
        f"{type(step).__name__} ({step.rule}) needs {capability.__name__}"
        for declaration, capability in NEEDED
        for step in profile.of(declaration)
        if offered is None or not issubclass(offered, capability)
    ]
    if lacking:
        what = "it sends nothing out" if offered is None else f"{offered.__name__} lacks them"
        raise MissingCapability(
            f"Connector '{system}' declares steps it cannot take ({what}): " + "; ".join(lacking)
        )
