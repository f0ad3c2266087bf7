"""The occupier's and the contractor's pages without a browser: what a refused form says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from repairlink.bootstrap import App
from repairlink.domain.issues import Status
from repairlink.services import issues
from repairlink.services.auth import Principal
from tests.factories import (
    contractor_login,
    in_progress_issue,
    living_occupier,
    make_agency,
    make_contractor,
    make_tenancy,
    make_unit,
    occupier_login,
    uow_of,
)
from tests.integration.console_login import alert_of, console_as, post_form


def test_an_occupier_reports_only_at_its_home_in_the_console(app: App, admin: Principal) -> None:
    home, moved_out, elsewhere = (make_unit(app, admin) for _ in range(3))
    tenant = living_occupier(app, admin, home)
    last_year = date.today() - timedelta(days=365)
    make_tenancy(app, admin, tenant, moved_out, start_date=last_year, end_date=last_year)
    with console_as(app, *occupier_login(app, admin, tenant)) as console:
        form = console.get("/my/report").text
        assert f'value="{home.id}"' in form
        assert f'value="{moved_out.id}"' not in form  # offered only where they may report
        refused = post_form(
            console, "/my/report", "/my/report", {"title": "Leak", "unit_id": str(elsewhere.id)}
        )
        assert alert_of(refused) == f"Property: No unit {elsewhere.id}"
        assert issues.list_issues(uow_of(app, admin), admin).items == []
        made = post_form(
            console, "/my/report", "/my/report", {"title": "Leak", "unit_id": str(home.id)}
        )
        assert "your issue is IS1" in made.text


@pytest.mark.parametrize(
    ("net", "said"),
    [
        ("1e30", "Cost, net: '1e30' is not an amount of money: write it in figures, like 120.50"),
        ("10000000.01", "Cost, net: An amount cannot be more than 10,000,000.00"),
    ],
)
def test_an_absurd_cost_at_completion_is_refused_naming_the_field(
    app: App, admin: Principal, net: str, said: str
) -> None:
    contractor = make_contractor(app, admin)
    issue = in_progress_issue(app, admin, contractor)
    job = f"/jobs/{issue.id}"
    with console_as(app, *contractor_login(app, admin, contractor)) as console:
        refused = post_form(
            console, job, f"/issues/{issue.id}/complete", {"notes": "Done", "net": net}
        )
        assert (refused.status_code, alert_of(refused)) == (422, said)  # the form drawn again
    stored = issues.get(uow_of(app, admin), admin, issue.id)
    assert (stored.status, stored.cost_net) == (Status.AWAITING_COMPLETION, None)


def test_c_07_a_us_contractor_s_refused_tax_is_named_tax_not_vat(app: App) -> None:
    """C-07: a US agency has no VAT; a refusal of the tax on costs says so in its words."""
    us = make_agency(app, locale="en_US", time_zone="America/Los_Angeles")
    contractor = make_contractor(app, us)
    issue = in_progress_issue(app, us, contractor)
    job = f"/jobs/{issue.id}"
    with console_as(app, *contractor_login(app, us, contractor)) as console:
        bad = {"notes": "Done", "net": "100.00", "vat": "eight"}
        refused = post_form(console, job, f"/issues/{issue.id}/complete", bad)
        said = alert_of(refused)
    assert said.startswith("Tax: 'eight' is not an amount of money"), said
    assert "VAT" not in said
    stored = issues.get(uow_of(app, us), us, issue.id)
    assert (stored.status, stored.cost_net) == (issue.status, None)  # nothing kept
