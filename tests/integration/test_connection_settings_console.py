"""Alto's settings form refuses an AgencyRef that is not a GUID and a client id longer than any
PMS issues, each beside its field, named by its label, with the rule in words; every value
typed comes back in the form, and nothing is saved."""

from __future__ import annotations

import html
import re

from repairlink.bootstrap import App
from tests.integration.console_login import console_as_admin

LONG_ID = "client-" * 715  # 5,005 characters


def test_alto_settings_refuse_a_non_guid_agency_ref_and_an_overlong_client_id(
    app: App, agency_id: int
) -> None:
    with console_as_admin(app, agency_id) as console:
        form = console.get("/integrations/alto/settings").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        typed = {
            "base_url": "https://alto.example",
            "client_id": LONG_ID,
            "client_secret": "a secret",
            "agency_ref": "agency-42",
            "categories": "residential",
            "property_statuses": "Let",
            "page_size": "50",
            "timeout_s": "20",
        }
        refused = console.post(
            "/integrations/alto/settings", data={"csrf_token": token.group(1), **typed}
        )
        assert refused.status_code == 422
        errors = [
            html.unescape(e) for e in re.findall(r'class="field-error"[^>]*>([^<]*)<', refused.text)
        ]
        assert errors == [
            "Client id: String should have at most 255 characters",
            "AgencyRef: must be the GUID Alto issued for the agency: 32 hexadecimal digits in "
            "groups of 8-4-4-4-12, like 6f1c1d0e-2b7a-4c33-9e55-5a1e0a170001",
        ]
        for name in ("base_url", "client_id", "agency_ref", "page_size", "timeout_s"):
            assert f'name="{name}" type=' in refused.text
            assert re.search(rf'name="{name}"[^>]*value="{re.escape(typed[name])}"', refused.text)
        assert re.search(r'value="residential" checked', refused.text)
        assert not re.search(r'value="commercial" checked', refused.text)
        assert "a secret" not in refused.text  # a secret is never sent back
        again = console.get("/integrations/alto/settings").text
        assert "agency-42" not in again  # nothing saved
        assert LONG_ID not in again
