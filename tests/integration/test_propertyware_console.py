"""Propertyware in the console: its settings form takes the one location (portfolio) by id; a
second is refused on the page, naming the setting (PW-01); the connector page then says when
it syncs and what it sends."""

from __future__ import annotations

import re

from repairlink.bootstrap import App
from repairlink.simulators.propertyware import RunningPropertyware
from tests.integration.console_login import console_as_admin


def test_pw_01_the_settings_form_takes_one_location_and_refuses_a_second(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    with console_as_admin(app, agency_id) as console:
        form = console.get("/integrations/propertyware/settings").text
        assert 'name="locations" type="text"' in form
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        fields = {
            "csrf_token": token.group(1),
            "base_url": pw.base_url,
            "client_id": pw.client_id,
            "client_secret": pw.client_secret,
            "system_id": pw.system_id,
            "account_email": pw.account_email,
            "integration_user": pw.integration_user,
            "page_size": "500",
            "timeout_s": "30",
        }
        two = f"{pw.portfolio_id(1)}, {pw.portfolio_id(2)}"
        refused = console.post(
            "/integrations/propertyware/settings", data={**fields, "locations": two}
        )
        assert refused.status_code == 422
        assert "exactly one Propertyware location" in refused.text
        saved = console.post(
            "/integrations/propertyware/settings",
            data={**fields, "locations": str(pw.portfolio_id(1))},
            follow_redirects=False,
        )
        assert saved.status_code == 303, saved.text
        page = console.get("/integrations/propertyware").text
        assert "as soon as it is reported" in page
