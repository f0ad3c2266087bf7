"""S-07 as the agent reads a preview on the console: each change names its record by its
address or name (docs/console.md), the PMS's reference only as a detail beneath."""

from __future__ import annotations

import html
import re

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.places import Unit
from repairlink.services import people_and_places
from repairlink.simulators.alto.server import RunningAlto
from tests.integration.console_login import console_as_admin
from tests.integration.sync.conftest import held, sync

CHANGE = re.compile(r"<h3>(.*?)</h3>\s*<p class=\"hint\">Reference (.*?)</p>", re.S)


def _changes_on_the_run_page(app: App, agency_id: int, run_id: int) -> dict[str, str]:
    """PMS reference -> the heading of its change, as the agent reads them."""
    with console_as_admin(app, agency_id) as console:
        page = console.get(f"/integrations/runs/{run_id}")
        assert page.status_code == 200, page.text
    found = CHANGE.findall(page.text)
    assert found, "the preview lists changes"
    return {html.unescape(ref): html.unescape(" ".join(head.split())) for head, ref in found}


def test_s_07_a_preview_names_each_record_by_its_address_or_name(
    app: App, connected: int, alto: RunningAlto
) -> None:
    first = _changes_on_the_run_page(app, connected, sync(app, connected, dry_run=True).run_id)
    for heading in first.values():  # new records: named by the values they would be given
        assert re.fullmatch(r"Create [a-z ]+: \S.*", heading), heading
        assert "reference" not in heading
    assert any(h.startswith("Create property: ") and "," in h for h in first.values())

    sync(app, connected)
    alto.admin("POST", "churn", {"fraction": 0.3, "seed": 3})
    later = _changes_on_the_run_page(app, connected, sync(app, connected, dry_run=True).run_id)
    units = held(app, connected, "unit")
    uow = app.uow(Actor.system(), connected)
    addresses = people_and_places.names_of(uow, Unit, set(units.values()))
    updated = {ref: h for ref, h in later.items() if h.startswith("Update property")}
    assert updated, "the churn changed some properties"
    for ref, heading in updated.items():  # ones we hold: named as we hold them
        assert heading == f"Update property: {addresses[units[ref]]}"
