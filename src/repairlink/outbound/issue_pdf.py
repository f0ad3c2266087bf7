"""A PDF of an issue for the PMS's work order (AL-12): what was reported, who did the work,
the completion notes and the costs. Built with fpdf2's core fonts, so no font files ship."""

from __future__ import annotations

from repairlink.pms.issue_facts import IssueFacts


def _latin1(text: str) -> str:
    """Core PDF fonts are Latin-1: keep what they can draw, replace the rest (the narrow space
    a US time puts before "AM" becomes a space)."""
    return text.replace("\u202f", " ").encode("latin-1", "replace").decode("latin-1")


def issue_pdf(facts: IssueFacts) -> bytes:
    # imported here: fpdf2 (with the fontTools it loads) takes some 0.75 s to import, which
    # every CLI command paid through the outbound modules; only a PDF's sender needs it
    from fpdf import FPDF

    issue, unit = facts.issue, facts.unit
    pdf = FPDF()
    pdf.set_title(_latin1(f"Issue {issue.reference}"))
    pdf.set_creator("Repairlink")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(f"{issue.reference}: {issue.title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    costs, fmt = issue.costs, facts.formats  # in the agency's time zone and currency
    rows = [
        ("Property", unit.address.one_line() if unit is not None else issue.free_address),
        ("Status", issue.status.label),
        ("Priority", issue.priority),
        ("Reported", fmt.when(issue.created_at) if issue.created_at else ""),
        ("Reported by", issue.reporter_name),
        ("Instructed to", issue.instructed_party.value if issue.instructed_party else ""),
        ("Paid by", issue.paying_for_work.value if issue.paying_for_work else ""),
        ("Appointment", fmt.when(issue.appointment_at) if issue.appointment_at else ""),
        (
            "Costs",
            f"{fmt.money(costs.gross)} including {fmt.tax_word}" if costs is not None else "",
        ),
    ]
    for label, value in rows:
        if value:
            pdf.set_font("helvetica", "B", 11)
            pdf.cell(40, 7, _latin1(label))
            pdf.set_font("helvetica", size=11)
            pdf.multi_cell(0, 7, _latin1(str(value)), new_x="LMARGIN", new_y="NEXT")
    for heading, text in (
        ("Description", issue.description),
        ("Completion notes", issue.completion_notes),
    ):
        if text:
            pdf.ln(3)
            pdf.set_font("helvetica", "B", 12)
            pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("helvetica", size=11)
            pdf.multi_cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
