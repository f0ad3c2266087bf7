"""AL-12's PDF of an issue, as the PMS's people read it: times in the agency's time zone (not
UTC: an hour off in British summer time) and money in its currency."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime

from repairlink.domain.formats import Formats
from repairlink.domain.issues import Issue
from repairlink.outbound.issue_pdf import issue_pdf
from repairlink.pms.issue_facts import IssueFacts, PmsRefs


def _text(pdf: bytes) -> str:
    """The words drawn on the pages (fpdf2 writes each page's drawing as a zlib stream)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    return b"".join(zlib.decompress(s) for s in streams).decode("latin-1")


def _facts(formats: Formats) -> IssueFacts:
    reported = datetime(2030, 7, 4, 9, 30, tzinfo=UTC)  # 10:30 in London, 2:30 AM in California
    issue = Issue(agency_id=1, number=7, title="Boiler", created_at=reported, updated_at=reported)
    issue.appointment_at = datetime(2030, 7, 5, 13, 0, tzinfo=UTC)
    issue.cost_net, issue.cost_vat, issue.cost_gross = 10_000, 2_000, 12_000
    return IssueFacts(
        issue=issue, unit=None, quote=None, refs=PmsRefs(), documents=(), marker="", formats=formats
    )


def test_al_12_a_uk_agency_s_pdf_gives_london_time_and_pounds() -> None:
    text = _text(issue_pdf(_facts(Formats("en_GB", "Europe/London"))))
    assert "(04/07/2030 10:30)" in text
    assert "(05/07/2030 14:00)" in text
    assert "(\u00a3120.00 including VAT)" in text


def test_al_12_a_us_agency_s_pdf_gives_its_own_time_and_dollars() -> None:
    text = _text(issue_pdf(_facts(Formats("en_US", "America/Los_Angeles"))))
    assert "(7/4/2030 2:30 AM)" in text
    assert "(7/5/2030 6:00 AM)" in text
    assert "($120.00 including tax)" in text  # a US agency has no VAT
