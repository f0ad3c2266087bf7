"""What the request guard refuses, a person in the console is told on the console's own page:
the layout, the field by its form label, a link back to the form; a vertical tab or form feed
(Word's Shift+Enter) is taken as a line break, never in a file (docs/security.md)."""

from __future__ import annotations

import re

from repairlink.bootstrap import App
from repairlink.services import documents, issues
from repairlink.services.auth import Principal
from tests.factories import in_progress_issue, make_issue, uow_of
from tests.integration.console_login import TestClient, console_as_admin

HTML = {"accept": "text/html,application/xhtml+xml"}


def _token(console: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', console.get(path).text)
    assert found is not None
    return found.group(1)


def _console_page(answer: str) -> None:
    """The console's layout, not a bare page: its navigation and its stylesheet."""
    assert '<nav aria-label="Main">' in answer
    assert "/static/console.css" in answer


def test_a_vertical_tab_in_a_comment_is_a_line_break(
    app: App, agency_id: int, admin: Principal
) -> None:
    issue = make_issue(app, admin)
    with console_as_admin(app, agency_id) as console:
        token = _token(console, f"/issues/{issue.id}")
        added = console.post(
            f"/issues/{issue.id}/comments",
            data={"csrf_token": token, "body": "Called twice\x0bno answer\x0cnote left"},
            headers=HTML,
        )
    assert added.status_code == 200
    assert "Comment added" in added.text
    [comment] = issues.comments_of(uow_of(app, admin), admin, issue.id)
    assert comment.body == "Called twice\nno answer\nnote left"


def test_a_form_feed_in_completion_notes_is_a_line_break_and_the_invoice_is_untouched(
    app: App, agency_id: int, admin: Principal
) -> None:
    issue = in_progress_issue(app, admin)
    invoice = b"%PDF-1.4\x0b\x0c binary stays as it is"
    with console_as_admin(app, agency_id) as console:
        token = _token(console, f"/issues/{issue.id}")
        done = console.post(
            f"/issues/{issue.id}/complete",
            data={"csrf_token": token, "notes": "Washer\x0bvalve\x0ctap"},
            files={"invoice": ("invoice.pdf", invoice, "application/pdf")},
            headers=HTML,
        )
    assert done.status_code == 200
    assert "Job marked complete" in done.text
    uow = uow_of(app, admin)
    assert issues.get(uow, admin, issue.id).completion_notes == "Washer\nvalve\ntap"
    [kept] = issues.documents_of(uow_of(app, admin), admin, issue.id)
    _, content = documents.read_document(uow, admin, app.files, issue.id, kept.id)
    assert content == invoice


def test_nul_in_a_comment_is_refused_on_the_console_page_naming_it_with_a_way_back(
    app: App, agency_id: int, admin: Principal
) -> None:
    issue = make_issue(app, admin)
    form = f"http://testserver/issues/{issue.id}"
    with console_as_admin(app, agency_id) as console:
        token = _token(console, f"/issues/{issue.id}")
        refused = console.post(
            f"/issues/{issue.id}/comments",
            data={"csrf_token": token, "body": "a\x00b"},
            headers={**HTML, "referer": form},
        )
        searched = console.get("/issues?q=%00", headers=HTML)
    assert refused.status_code == 422
    _console_page(refused.text)
    assert "Comment: contains an invisible control character" in refused.text
    assert f'<a href="/issues/{issue.id}">Back to the page you came from</a>' in refused.text
    assert issues.comments_of(uow_of(app, admin), admin, issue.id) == []
    assert searched.status_code == 422
    _console_page(searched.text)
    assert "Search: contains an invisible control character" in searched.text
    assert '<a href="/issues">Back to the page you came from</a>' in searched.text


def _small_uploads(app: App) -> App:
    settings = app.settings.model_copy(update={"max_upload_bytes": 4000})
    return App(settings, app.engine, app.sessions, app.files)


def test_a_file_over_the_limit_is_refused_on_the_console_page_naming_its_field(
    app: App, agency_id: int, admin: Principal
) -> None:
    issue = in_progress_issue(app, admin)
    with console_as_admin(_small_uploads(app), agency_id) as console:
        token = _token(console, f"/issues/{issue.id}")
        refused = console.post(
            f"/issues/{issue.id}/complete",
            data={"csrf_token": token, "notes": "Fixed"},
            files={"invoice": ("invoice.pdf", b"%PDF" + b"x" * 5000, "application/pdf")},
            headers={**HTML, "referer": f"http://testserver/issues/{issue.id}"},
        )
    assert refused.status_code == 413
    _console_page(refused.text)
    assert "Invoice document: the file is larger than 3 KB" in refused.text
    assert f'<a href="/issues/{issue.id}">Back to the page you came from</a>' in refused.text
