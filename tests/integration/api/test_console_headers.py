"""The console's security headers (docs/security.md): a Content-Security-Policy that allows no
inline script and no framing, nosniff, a referrer policy, and HSTS over https; and no page
carries an inline script for the policy to block."""

from __future__ import annotations

import re

from repairlink.bootstrap import App
from repairlink.server import create_server
from tests.integration.api.conftest import TestClient


def test_console_pages_send_the_security_headers(app: App) -> None:
    with TestClient(create_server(app), follow_redirects=False) as console:
        login = console.get("/login")
        script = console.get("/static/console.js")
    for answer in (login, script):
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in answer.headers  # plain http
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", login.text)
    assert inline == []
    assert not re.search(r"\son[a-z]+=", login.text)  # no inline event handlers


def test_hsts_when_served_over_https(app: App) -> None:
    with TestClient(create_server(app), base_url="https://console.example") as console:
        answer = console.get("/login")
    assert answer.headers["strict-transport-security"].startswith("max-age=")
