"""Propertyware's rules on the way in (PW-01..PW-06), each through the Propertyware simulator
over HTTP with the real connector and its declared schedules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.jobs.schedules import Due, claim_due
from repairlink.jobs.sync_run import run_sync
from repairlink.pms.retry import RetryPolicy
from repairlink.services import agencies
from repairlink.simulators.propertyware import RunningPropertyware
from repairlink.store.sync_tables import sync_skips
from repairlink.store.tables import issues_table, occupiers, tenancies, units
from tests.integration.pw import connect_pw, pull, run_pw
from tests.integration.sync.conftest import held, row

PW = "propertyware"


def _synced_units(sim: RunningPropertyware) -> set[str]:
    """The units of the first portfolio that are active in Propertyware."""
    portfolio = sim.portfolio_id(1)
    found = pull(sim, "/units", includeDeactivated="true")
    return {str(u["id"]) for u in found if u["portfolioID"] == portfolio and u["active"]}


def _leases(sim: RunningPropertyware) -> list[dict]:  # type: ignore[type-arg]
    return pull(sim, "/leases", portfolioID=str(sim.portfolio_id(1)))


def test_pw_01_a_sync_reads_only_the_one_portfolio_of_the_connection(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    """PW-01: the agency's one location: no unit of the other portfolio arrives."""
    connect_pw(app, agency_id, pw)
    run_pw(app, agency_id, "PW-02")
    assert set(held(app, agency_id, "unit", PW)) == _synced_units(pw)
    other = {str(u["id"]) for u in pull(pw, "/units") if u["portfolioID"] != pw.portfolio_id(1)}
    assert other
    assert not other & set(held(app, agency_id, "unit", PW))


def test_pw_02_a_full_first_sync_imports_properties_and_only_residents_of_active_leases(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    connect_pw(app, agency_id, pw)
    run = run_pw(app, agency_id, "PW-02")
    assert run.window_from is None  # the first run of the schedule reads everything
    synced = _synced_units(pw)
    leases = [lease for lease in _leases(pw) if str(lease["unitID"]) in synced]
    live = {str(c["id"]) for lease in leases if lease["active"] for c in lease["contacts"]}
    ended = {str(c["id"]) for lease in leases if not lease["active"] for c in lease["contacts"]}
    assert live
    assert ended
    ours = held(app, agency_id, "occupier", PW)
    assert set(ours) == live
    assert run.skip_reasons["occupier"]
    # the resident lives where the lease says, from the day it says
    lease = next(lease for lease in leases if lease["active"])
    occupier = row(app, occupiers, ours[str(lease["contacts"][0]["id"])])
    assert occupier["unit_id"] == held(app, agency_id, "unit", PW)[str(lease["unitID"])]
    assert occupier["move_in"].isoformat() == lease["moveInDate"]
    # a two-hourly schedule, its runs over what changed since the last
    later = run_pw(app, agency_id, "PW-02")
    assert later.window_from is not None
    assert later.counts.get("unit", {}).get("created", 0) == 0


def test_pw_02_a_us_agency_s_residents_keep_their_us_phone_numbers(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    """PW-02: a US agency's residents, their numbers written as Americans write them
    ("(415) 555-0123"), are held in the international form with the US code (+1), not
    the UK's."""
    agencies.update_settings(app.uow(Actor.system("test"), agency_id), {"locale": "en_US"})
    connect_pw(app, agency_id, pw)
    run_pw(app, agency_id, "PW-02")
    ours = held(app, agency_id, "occupier", PW)
    contacts = {
        str(c["id"]): c for lease in _leases(pw) for c in lease["contacts"] if str(c["id"]) in ours
    }
    phoned = [c for c in contacts.values() if c.get("mobilePhone")]
    assert phoned
    for contact in phoned:
        digits = "".join(ch for ch in contact["mobilePhone"] if ch.isdigit())
        occupier = row(app, occupiers, ours[str(contact["id"])])
        assert occupier["phone"] == f"+1{digits[-10:]}"


def test_pw_03_hourly_runs_read_the_last_72_hours_and_finish_in_seconds(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    connect_pw(app, agency_id, pw)
    run_pw(app, agency_id, "PW-03")  # the schedule's first run: everything
    unit_ext = sorted(_synced_units(pw))[0]
    pw.admin("PATCH", f"units/{unit_ext}", {"status": "vacant"})
    pw.admin("POST", "stats/reset")
    started = datetime.now(UTC)
    run = run_pw(app, agency_id, "PW-03")
    took = datetime.now(UTC) - started
    assert run.window_from is not None
    assert timedelta(hours=72) <= run.window_to - run.window_from < timedelta(hours=73)
    # only what changed in the window is served and written
    assert run.counts["unit"] == {"updated": 1}
    assert "occupier" not in run.counts
    assert took < timedelta(seconds=30)
    stats = pw.admin("GET", "stats")["by_endpoint"]
    assert set(k for k, v in stats.items() if v) == {
        "GET /units",
        "GET /leases",
        "GET /workorders",
    }
    unit = row(app, units, held(app, agency_id, "unit", PW)[unit_ext])
    assert unit["integration_data"]["status"] == "vacant"


def _orders(sim: RunningPropertyware) -> list[dict]:  # type: ignore[type-arg]
    return pull(sim, "/workorders")


def test_pw_04_work_orders_come_in_only_managed_by_the_integration_user_and_owned_by_us(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    connect_pw(app, agency_id, pw)
    run_pw(app, agency_id, "PW-02")
    run = run_pw(app, agency_id, "PW-03")
    orders = {str(o["id"]): o for o in _orders(pw)}
    ours = held(app, agency_id, "unit", PW)
    expected = {
        key
        for key, o in orders.items()
        if o["managedBy"] == pw.integration_user
        and o["ownerEmail"] == pw.account_email
        and str(o["unitID"]) in ours
    }
    issues_held = held(app, agency_id, "issue", PW)
    assert expected
    assert set(issues_held) == expected
    with app.engine.connect() as conn:
        skips = sync_skips.c
        reasons = conn.execute(
            sa.select(skips.external_id, skips.reason).where(
                skips.run_id == run.run_id, skips.kind == "issue", skips.rule == "PW-04"
            )
        ).all()
    why = dict(reasons)
    assert why[str(pw.state.data.workorders.id_of(1))] == "'Managed By' is not the integration user"
    assert (
        why[str(pw.state.data.workorders.id_of(2))]
        == "owner email is not the integration account's"
    )
    # through the issue service: numbered, reported, linked and assigned
    key = min(expected)
    order = orders[key]
    issue = row(app, issues_table, issues_held[key])
    assert issue["status"] == "reported"
    assert issue["unit_id"] == ours[str(order["unitID"])]
    assert issue["description"] == order["description"]
    unit = pull(pw, "/units", includeDeactivated="true")
    manager = next(u["propertyManagerID"] for u in unit if u["id"] == order["unitID"])
    assert issue["manager_ref"] == str(manager)
    residents = held(app, agency_id, "occupier", PW)
    with_resident = [k for k in expected if str(orders[k].get("requestedByContactID")) in residents]
    assert with_resident
    linked = row(app, issues_table, issues_held[with_resident[0]])
    assert (
        linked["reporter_occupier_id"]
        == residents[str(orders[with_resident[0]]["requestedByContactID"])]
    )


def _due(app: App, agency_id: int, at: datetime, rule: str) -> list[Due]:
    found = claim_due(app, at)
    return [
        d
        for d in found
        if isinstance(d, Due) and d.schedule.rule == rule and d.agency_id == agency_id
    ]


def test_pw_05_leases_sync_nightly_at_23_30_utc_and_take_every_incoming_value(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    connect_pw(app, agency_id, pw)
    run_pw(app, agency_id, "PW-02")
    now = datetime.now(UTC)
    at = now.replace(hour=23, minute=30, second=0, microsecond=0)
    at += timedelta(days=1) if at <= now else timedelta(0)  # the next 23:30 UTC
    assert _due(app, agency_id, at - timedelta(minutes=1), "PW-05") == []
    (nightly,) = _due(app, agency_id, at, "PW-05")
    assert nightly.fire_at == at
    first = run_sync(
        app, agency_id, PW, schedule=nightly.schedule, retry=RetryPolicy(sleep=lambda _s: None)
    )
    assert first.counts["tenancy"]["created"] > 0
    assert "occupier" not in first.counts
    lease = next(lease for lease in _leases(pw) if lease["active"])
    pw.admin("PATCH", f"leases/{lease['id']}", {"endDate": "2031-06-30", "active": False})
    run_pw(app, agency_id, "PW-05")
    person = lease["contacts"][0]["id"]
    ours = held(app, agency_id, "tenancy", PW)[f"{lease['id']}:{person}"]
    tenancy = row(app, tenancies, ours)
    assert tenancy["end_date"].isoformat() == "2031-06-30"
    assert tenancy["active"] is False


def test_pw_06_existing_records_change_only_in_the_fields_the_article_names(
    app: App, agency_id: int, pw: RunningPropertyware
) -> None:
    connect_pw(app, agency_id, pw)
    run_pw(app, agency_id, "PW-02")
    run_pw(app, agency_id, "PW-03")
    # a property: only its integration data
    unit_ext = sorted(_synced_units(pw))[0]
    unit_id = held(app, agency_id, "unit", PW)[unit_ext]
    before = row(app, units, unit_id)
    pw.admin("PATCH", f"units/{unit_ext}", {"address": "1 New Street", "status": "vacant"})
    # a resident: their lease's dates, never their name or contact details
    lease = next(lease for lease in _leases(pw) if lease["active"])
    person = lease["contacts"][0]
    occupier_id = held(app, agency_id, "occupier", PW)[str(person["id"])]
    was = row(app, occupiers, occupier_id)
    pw.admin("PATCH", f"contacts/{person['id']}", {"lastName": "Renamed", "email": "new@x.example"})
    pw.admin("PATCH", f"leases/{lease['id']}", {"moveOutDate": 1893456000000})
    # a work order: never
    issue_ext, issue_id = next(iter(held(app, agency_id, "issue", PW).items()))
    pw.admin("PATCH", f"workorders/{issue_ext}", {"description": "Changed in Propertyware"})
    run_pw(app, agency_id, "PW-03")
    after = row(app, units, unit_id)
    assert after["line1"] == before["line1"]
    assert after["integration_data"]["status"] == "vacant"
    now = row(app, occupiers, occupier_id)
    assert (now["surname"], now["email"]) == (was["surname"], was["email"])
    assert now["move_out"].isoformat() == "2030-01-01"
    assert now["archived_at"] is None
    assert row(app, issues_table, issue_id)["description"] != "Changed in Propertyware"
