"""The occupier's and the contractor's pages without a browser: what a refused form says."""

from __future__ import annotations

from datetime import date, timedelta

from repairlink.bootstrap import App
from repairlink.services import issues
from repairlink.services.auth import Principal
from tests.factories import (
    living_occupier,
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
