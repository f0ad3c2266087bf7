"""AL-13's charge in Alto's words: multipart/form-data with the invoice document, the VAT as a
rate type, posted on the tenancy when the occupier pays and on the property (its landlords)
otherwise, linked to the works order."""

from __future__ import annotations

from datetime import UTC, datetime

from repairlink.connectors.alto.client import AltoClient
from repairlink.pms.capabilities import Charge
from repairlink.pms.issue_facts import IssueFacts


def pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def vat_rate_type(net: int, vat: int) -> str:
    """Alto wants the VAT rate's name, not the amount: 20% Standard, 5% Reduced, none Zero."""
    if vat == 0:
        return "Zero"
    if net and abs(vat * 100 - net * 5) <= net // 100 + 1:  # within rounding of 5 %
        return "Reduced"
    return "Standard"


def charge_fields(facts: IssueFacts, charge: Charge) -> tuple[str, dict[str, str]]:
    """The path the charge is posted to, and its form fields."""
    issue, refs = facts.issue, facts.refs
    fields = {
        "chargeType": charge.category,
        "invoiceReference": issue.reference,
        "totalNet": pounds(charge.net),
        "totalVat": pounds(charge.vat),
        "vatRateType": vat_rate_type(charge.net, charge.vat),
        "workOrderId": charge.work_order,
        "description": f"{issue.reference} {issue.title}"[:255],
        "raiseImmediately": "true" if charge.raise_immediately else "false",
        "chargeDate": datetime.now(UTC).date().isoformat(),
    }
    if refs.supplier:
        fields["supplierId"] = refs.supplier
    if charge.occupier_pays and refs.tenancy is not None:
        # our tenancy reference is "<Alto tenancy id>:<tenant id>" (one per tenant)
        if refs.tenant:
            fields["tenantId"] = refs.tenant
        return f"/tenancies/{refs.tenancy.split(':')[0]}/charges", fields
    return f"/inventory/{refs.property}/charges", fields


def post_charge(client: AltoClient, facts: IssueFacts, charge: Charge, *, key: str) -> str:
    path, fields = charge_fields(facts, charge)
    files = {}
    if charge.invoice is not None:
        invoice = charge.invoice
        files["invoiceDocument"] = (invoice.name, invoice.content, invoice.content_type)
    sent = client.call("POST", path, data=fields, files=files or None, key=key)
    return str(sent["id"])
