"""C-01: every record belongs to exactly one agency; no service reads or writes another's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from repairlink.bootstrap import App
from repairlink.domain.issues import Issue, Party, PayingForWork, Status
from repairlink.domain.people import Contractor, Landlord, Occupier, Tenancy
from repairlink.domain.places import Unit
from repairlink.errors import NotFoundError
from repairlink.services import history, issues, occupiers, people_and_places, references, units
from repairlink.services.auth import Principal
from tests.factories import (
    as_contractor,
    make_agency,
    make_contractor,
    make_issue,
    make_landlord,
    make_occupier,
    make_unit,
    uow_of,
)


@pytest.fixture
def theirs(app: App) -> Principal:
    """The admin of a second agency, whose records must stay out of reach."""
    return make_agency(app)


def _not_found(err: pytest.ExceptionInfo[NotFoundError]) -> None:
    assert err.value.rule == "C-01"


def test_c_01_uow_get_raises_not_found_for_another_agencys_id(
    app: App, admin: Principal, theirs: Principal
) -> None:
    foreign = {
        Unit: make_unit(app, theirs),
        Occupier: make_occupier(app, theirs),
        Contractor: make_contractor(app, theirs),
        Landlord: make_landlord(app, theirs),
        Issue: make_issue(app, theirs),
    }
    for cls, record in foreign.items():
        with uow_of(app, admin) as u, pytest.raises(NotFoundError) as err:
            u.get(cls, record.id)
        _not_found(err)
        # ... and exactly as for an id that does not exist at all
        with uow_of(app, admin) as u, pytest.raises(NotFoundError) as missing:
            u.get(cls, 10**9)
        assert (missing.value.code, missing.value.field) == (err.value.code, err.value.field)
        # the owner still reads it
        with uow_of(app, theirs) as u:
            assert u.get(cls, record.id).id == record.id


def test_c_01_lists_exclude_another_agencys_records(
    app: App, admin: Principal, theirs: Principal
) -> None:
    mine_unit, their_unit = make_unit(app, admin), make_unit(app, theirs)
    mine_occ, their_occ = make_occupier(app, admin), make_occupier(app, theirs, surname="Shared")
    make_occupier(app, admin, surname="Shared")
    mine_issue, their_issue = make_issue(app, admin, mine_unit), make_issue(app, theirs, their_unit)
    mine_con, their_con = make_contractor(app, admin), make_contractor(app, theirs)

    def ids(page: object) -> set[int]:
        return {item.id for item in page.items}  # type: ignore[attr-defined]

    u = lambda: uow_of(app, admin)  # noqa: E731
    unit_ids = ids(units.list_units(u(), status=units.UnitFilter.ALL, limit=500))
    assert mine_unit.id in unit_ids
    assert their_unit.id not in unit_ids
    occ_ids = ids(occupiers.list_occupiers(u(), status=occupiers.OccupierFilter.ALL, limit=500))
    assert mine_occ.id in occ_ids
    assert their_occ.id not in occ_ids
    assert their_occ.id not in ids(occupiers.list_occupiers(u(), q="shared"))
    issue_ids = ids(issues.list_issues(u(), admin, limit=500))
    assert mine_issue.id in issue_ids
    assert their_issue.id not in issue_ids
    con_ids = ids(people_and_places.list_page(u(), Contractor, limit=500))
    assert mine_con.id in con_ids
    assert their_con.id not in con_ids
    # the same agency-scoped lists for the other agency see only theirs
    theirs_issue_ids = ids(issues.list_issues(uow_of(app, theirs), theirs, limit=500))
    assert theirs_issue_ids == {their_issue.id}


def test_c_01_services_refuse_to_read_another_agencys_records(
    app: App, admin: Principal, theirs: Principal
) -> None:
    their_issue = make_issue(app, theirs)
    their_unit = make_unit(app, theirs)
    u = lambda: uow_of(app, admin)  # noqa: E731
    with pytest.raises(NotFoundError):
        issues.get(u(), admin, their_issue.id)
    with pytest.raises(NotFoundError):
        issues.comments_of(u(), admin, their_issue.id)
    with pytest.raises(NotFoundError):
        issues.occupier_contacts(u(), admin, their_issue.id)
    with pytest.raises(NotFoundError):
        people_and_places.get(u(), Unit, their_unit.id)
    with pytest.raises(NotFoundError):
        history.history(u(), "unit", their_unit.id)
    with pytest.raises(NotFoundError):
        references.references_of(u(), "unit", their_unit.id)


def test_c_01_services_refuse_to_write_another_agencys_records(
    app: App, admin: Principal, theirs: Principal
) -> None:
    their_issue = make_issue(app, theirs)
    their_unit, their_occ = make_unit(app, theirs), make_occupier(app, theirs)
    their_con = make_contractor(app, theirs)
    mine_issue, mine_unit = make_issue(app, admin), make_unit(app, admin)
    u = lambda: uow_of(app, admin)  # noqa: E731

    attempts = [
        lambda: issues.cancel(u(), admin, their_issue.id, reason="not mine"),
        lambda: issues.instruct(
            u(),
            admin,
            mine_issue.id,
            party=Party.CONTRACTOR,
            party_id=their_con.id,
            paying=PayingForWork.LANDLORD,
        ),
        lambda: issues.request_quotes(u(), admin, mine_issue.id, [their_con.id]),
        lambda: issues.report(u(), admin, title="x", unit_id=their_unit.id),
        lambda: issues.report(
            u(), admin, title="x", free_address="1 Road", reporter_occupier_id=their_occ.id
        ),
        lambda: people_and_places.update(u(), Unit, their_unit.id, {"line1": "Hijacked"}),
        lambda: people_and_places.update(u(), Unit, mine_unit.id, {"building_id": 10**9}),
        lambda: people_and_places.update(
            u(), Unit, mine_unit.id, {"merged_into_id": their_unit.id}
        ),
        lambda: people_and_places.create(
            u(),
            Tenancy,
            {"occupier_id": their_occ.id, "unit_id": mine_unit.id, "start_date": date.today()},
        ),
        lambda: occupiers.lock(u(), their_occ.id),
        lambda: occupiers.bulk_archive(u(), [their_occ.id]),
        lambda: occupiers.delete(u(), their_occ.id, confirm=True),
        lambda: units.deactivate_unit(u(), their_unit.id),
        lambda: units.merge_units(u(), survivor_id=mine_unit.id, duplicate_id=their_unit.id),
        lambda: units.merge_units(u(), survivor_id=their_unit.id, duplicate_id=mine_unit.id),
        lambda: references.add_reference(
            u(), "unit", their_unit.id, system="alto", external_id="1"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NotFoundError):
            attempt()

    with uow_of(app, theirs) as t:
        assert t.get(Issue, their_issue.id).status is Status.REPORTED
        assert t.get(Unit, their_unit.id).active
        assert t.get(Unit, their_unit.id).line1 != "Hijacked"
        assert t.get(Occupier, their_occ.id).active
    with uow_of(app, admin) as m:
        assert m.get(Issue, mine_issue.id).status is Status.REPORTED
        assert m.get(Unit, mine_unit.id).active


def test_c_01_a_contractor_sees_only_jobs_it_is_on(app: App, admin: Principal) -> None:
    on_job, other = make_contractor(app, admin), make_contractor(app, admin)
    job = make_issue(app, admin)
    issues.instruct(
        uow_of(app, admin),
        admin,
        job.id,
        party=Party.CONTRACTOR,
        party_id=on_job.id,
        paying=PayingForWork.LANDLORD,
    )
    unrelated = make_issue(app, admin)
    me = as_contractor(on_job)
    seen = {i.id for i in issues.list_issues(uow_of(app, me), me, limit=500).items}
    assert seen == {job.id}
    with pytest.raises(NotFoundError):
        issues.get(uow_of(app, me), me, unrelated.id)
    stranger = as_contractor(other)
    with pytest.raises(NotFoundError):
        issues.set_appointment(
            uow_of(app, stranger), stranger, job.id, datetime.now(UTC) + timedelta(days=1)
        )
