"""The console under its Content-Security-Policy in a real browser (docs/security.md): the pages
work with no inline script, no eval and no inline style, and the browser reports no violation;
another site cannot frame a page; logging out ends the session for the browser too."""

from __future__ import annotations

import re

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.conftest import Agency, Site, login

PAGES = ["/dashboard", "/properties", "/occupiers", "/issues", "/issues/new", "/mail", "/reports"]


def test_pages_run_under_the_policy_without_a_violation(page: Page, agency: Agency) -> None:
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    login(page, agency.email)
    for path in PAGES:
        answer = page.goto(path)
        assert answer is not None
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert violations == []


def test_logging_out_ends_the_session(page: Page, agency: Agency, site: Site) -> None:
    login(page, agency.email)
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "rl_session"]
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: "/login" in url)
    answer = page.request.get(
        f"{site.base_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {cookie['value']}"}
    )
    assert answer.status == 401
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login"))
