"""The browser extension's page in the console (docs/bridge.md): an admin sees what to type
into the extension's options, makes a bridge token that is shown once and works on the
bridge at once, and revokes it, after which the extension is refused. A PMS with an API of
its own has no such page."""

from __future__ import annotations

import re

from repairlink.bootstrap import App
from repairlink.jobs.sync_run import connect
from tests.integration.console_login import console_as_admin

SETTINGS = {"sync_method": "all", "integration_user": "1", "sync_start": "2020-01-01"}


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_an_admin_makes_a_token_shown_once_that_syncs_until_revoked(
    app: App, agency_id: int
) -> None:
    connection_id = connect(app, agency_id, "platform", SETTINGS)
    with console_as_admin(app, agency_id) as console:
        assert "/integrations/platform/extension" in console.get("/integrations/platform").text
        setup = console.get("/integrations/platform/extension").text
        assert "No token yet" in setup
        assert f"<code>{connection_id}</code>" in setup  # the connection number to type in

        made = console.post(
            "/integrations/platform/extension/tokens",
            data={"csrf_token": _csrf(setup), "label": "Front office laptop"},
        )
        assert made.status_code == 200
        assert made.headers["cache-control"] == "no-store"
        assert "shown only this once" in made.text
        token = re.search(r'id="token" class="secret" value="(rlb_[^"]+)"', made.text)
        assert token is not None
        bridge = f"/api/v1/bridge/connections/{connection_id}"
        auth = {"Authorization": f"Bearer {token.group(1)}"}
        assert console.get(bridge, headers=auth).status_code == 200  # the extension may sync

        listed = console.get("/integrations/platform/extension").text
        assert "Front office laptop" in listed
        assert "in use" in listed
        assert token.group(1) not in listed  # never shown again
        revoke = re.search(r'action="(/integrations/platform/extension/tokens/\d+/revoke)"', listed)
        assert revoke is not None
        done = console.post(revoke.group(1), data={"csrf_token": _csrf(listed)})
        assert "“Front office laptop” revoked" in done.text
        assert "Revoke Front office laptop" not in done.text  # nothing left to revoke
        assert console.get(bridge, headers=auth).status_code == 401  # refused from now on


def test_a_pms_with_its_own_api_has_no_extension_page(app: App, agency_id: int) -> None:
    with console_as_admin(app, agency_id) as console:
        answer = console.get("/integrations/alto/extension")
        assert answer.status_code == 404
        assert "not read through a browser extension" in answer.text


def test_px_06_the_sync_start_date_is_picked_as_a_date_and_saved(app: App, agency_id: int) -> None:
    """PX-06's sync start date in the settings form: a date picker, not free text."""
    connect(app, agency_id, "platform", SETTINGS)
    with console_as_admin(app, agency_id) as console:
        form = console.get("/integrations/platform/settings").text
        assert re.search(r'name="sync_start" type="date"[^>]*value="2020-01-01"', form)
        fields = {"csrf_token": _csrf(form), "sync_method": "all", "integration_user": "1"}
        saved = console.post(
            "/integrations/platform/settings", data={**fields, "sync_start": "2026-11-15"}
        )
        assert "Settings saved" in saved.text
        again = console.get("/integrations/platform/settings").text
        assert re.search(r'name="sync_start" type="date"[^>]*value="2026-11-15"', again)
