"""What goes to a PMS for the money of a closed job, decided without I/O: the charge a
ChargeOnClose lets through, or the reason it does not (AL-13), and the purchase invoice of
PurchaseInvoiceOnClose (PM-06)."""

from __future__ import annotations

from collections.abc import Callable

from repairlink.domain.issues import Document, PayingForWork
from repairlink.pms.capabilities import Attachment, Charge, PurchaseInvoice
from repairlink.pms.issue_facts import IssueFacts
from repairlink.pms.profile import ChargeOnClose

PAYERS = {"agency": "the agency pays", "other": "someone other than landlord or occupier pays"}


def why_no_charge(rule: ChargeOnClose, facts: IssueFacts) -> str | None:
    """The first condition of the rule that stops the charge, in words for the agent."""
    issue = facts.issue
    paying = issue.paying_for_work.value if issue.paying_for_work else None
    if paying in rule.not_when_paid_by:
        return PAYERS.get(paying, f"paid by {paying}")
    if rule.needs_invoice and facts.invoice is None:
        return "there is no invoice document"
    if not issue.cost_gross:
        return "the amount is zero"
    if paying == "occupier" and facts.refs.tenancy is None:
        return "the occupier has no tenancy linked to the PMS"
    return None


def charge_of(
    rule: ChargeOnClose, facts: IssueFacts, order: str, read: Callable[[Document], Attachment]
) -> Charge:
    """The charge, once `why_no_charge` found nothing against it."""
    issue, invoice = facts.issue, facts.invoice
    return Charge(
        work_order=order,
        occupier_pays=issue.paying_for_work is PayingForWork.OCCUPIER,
        category=rule.category,
        net=issue.cost_net or 0,
        vat=issue.cost_vat or 0,
        invoice=read(invoice) if invoice is not None else None,
        raise_immediately=rule.raise_immediately,
    )


def purchase_invoice_of(facts: IssueFacts, order: str) -> PurchaseInvoice | None:
    """PM-06's purchase invoice; None when no costs were recorded at completion."""
    issue = facts.issue
    if not issue.cost_gross:
        return None
    return PurchaseInvoice(
        issue_reference=issue.reference,
        job_reference=order,
        net=issue.cost_net or 0,
        gross=issue.cost_gross,
    )
