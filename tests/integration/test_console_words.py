"""The console speaks the agency's people's words: a refused filter lists the choices as its
menu shows them (C-03's labels, never 'quotes_requested'); an error page is headed by what
happened in words, never an HTTP phrase ('Unprocessable Entity', 'Content Too Large')."""

from __future__ import annotations

import html
import re

from repairlink.bootstrap import App
from repairlink.domain.issues import Status
from repairlink.domain.values import Money
from repairlink.services import issues
from repairlink.services.auth import Principal
from tests.factories import in_progress_issue, make_agency, uow_of
from tests.integration.console_login import console_as_admin


def _heading_and_message(text: str) -> tuple[str, str]:
    found = re.search(r"<h1>(.*?)</h1>\s*<p>(.*?)</p>", text, re.S)
    assert found, "the error page has its heading and message"
    return html.unescape(found.group(1)), html.unescape(found.group(2))


def test_c_03_a_bad_status_filter_lists_the_statuses_by_their_labels(
    app: App, agency_id: int
) -> None:
    with console_as_admin(app, agency_id) as console:
        refused = console.get("/issues?status=quoted")
    assert refused.status_code == 422
    heading, message = _heading_and_message(refused.text)
    assert heading == "Please check the form"
    labels = [f"“{s.label}”" for s in Status]
    assert message == f"Status: choose one of {', '.join(labels[:-1])} or {labels[-1]}"
    assert not any(s.value in message for s in Status if "_" in s.value)


def test_a_file_too_large_is_headed_in_words(app: App, agency_id: int, admin: Principal) -> None:
    issue = in_progress_issue(app, admin)
    small = App(
        app.settings.model_copy(update={"max_upload_bytes": 4000}),
        app.engine,
        app.sessions,
        app.files,
    )
    with console_as_admin(small, agency_id) as console:
        form = console.get(f"/issues/{issue.id}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        refused = console.post(
            f"/issues/{issue.id}/complete",
            data={"csrf_token": token.group(1), "notes": "Fixed"},
            files={"invoice": ("invoice.pdf", b"%PDF" + b"x" * 5000, "application/pdf")},
            headers={"accept": "text/html", "referer": f"http://testserver/issues/{issue.id}"},
        )
    assert refused.status_code == 413
    heading, _ = _heading_and_message(refused.text)
    assert heading == "The file is too large"
    assert "Content Too Large" not in refused.text


def _issue_page(app: App, who: Principal, issue_id: int) -> str:
    with console_as_admin(app, who.agency_id) as console:
        shown = console.get(f"/issues/{issue_id}")
    assert shown.status_code == 200, shown.text
    return str(shown.text)


def test_c_07_a_us_agency_s_costs_are_taxed_not_vated(app: App, admin: Principal) -> None:
    """C-07's costs: a UK agency's people read VAT; a US agency's read tax (it has no VAT)."""
    uk_issue = in_progress_issue(app, admin)
    uk_page = _issue_page(app, admin, uk_issue.id)
    assert '<label for="vat">VAT (£)</label>' in uk_page
    assert '<html lang="en-GB">' in uk_page

    us = make_agency(app, locale="en_US", time_zone="America/Los_Angeles")
    issue = in_progress_issue(app, us)
    form = _issue_page(app, us, issue.id)
    assert '<label for="vat">Tax ($)</label>' in form
    assert '<html lang="en-US">' in form  # a screen reader reads it as American English
    assert "The gross is net plus tax." in form
    costs = Money(net=10_000, vat=825, gross=10_825)
    uow = uow_of(app, us)
    issues.complete(uow, us, issue.id, files=app.files, notes="Fixed", costs=costs, invoice=None)
    done = _issue_page(app, us, issue.id)
    assert "$100.00 + tax $8.25 = $108.25" in done
    assert "Tax: — → $8.25" in done  # the issue's history
    assert "VAT" not in done
