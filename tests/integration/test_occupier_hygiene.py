"""H-01 (lock out / unlock), H-02 (list filters and search), H-03 (bulk archive) and H-04
(permanent delete that anonymises) for occupiers (seed 004)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.agency import Role, User
from repairlink.domain.people import ExternalRef, Occupier, Tenancy
from repairlink.errors import (
    ConflictError,
    InvalidError,
    NotFoundError,
    UnauthenticatedError,
)
from repairlink.services import auth, history, issues, occupiers, references
from repairlink.services.auth import Principal
from repairlink.services.occupiers import OccupierFilter
from repairlink.store.tables import audit_log, cols, outbox
from tests.conftest import api_key
from tests.factories import (
    living_occupier,
    make_agency,
    make_occupier,
    make_unit,
    occupier_login,
    uow_of,
)


def agency_outbox(app: App, agency_id: int) -> list[Any]:
    with app.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(outbox).where(outbox.c.agency_id == agency_id).order_by(outbox.c.id)
            )
        )


# H-01 ---------------------------------------------------------------------------------------


def test_h_01_lock_archives_and_the_occupier_can_no_longer_log_in(
    app: App, admin: Principal
) -> None:
    occupier = make_occupier(app, admin)
    email, password = occupier_login(app, admin, occupier)
    token = auth.login(app.uow(admin.actor), email=email, password=password)
    me = auth.authenticate(app.uow(admin.actor), token)
    assert (me.role, me.subject_id, me.agency_id) == (Role.OCCUPIER, occupier.id, admin.agency_id)

    locked = occupiers.lock(uow_of(app, admin), occupier.id)
    assert (locked.active, locked.archived_at is not None) == (False, True)
    with pytest.raises(UnauthenticatedError) as err:
        auth.login(app.uow(admin.actor), email=email, password=password)
    assert err.value.rule == "H-01"
    with pytest.raises(UnauthenticatedError):  # the session they already had stops working
        auth.authenticate(app.uow(admin.actor), token)
    with pytest.raises(ConflictError):
        occupiers.lock(uow_of(app, admin), occupier.id)

    unlocked = occupiers.unlock(uow_of(app, admin), occupier.id)
    assert (unlocked.active, unlocked.archived_at) == (True, None)
    again = auth.login(app.uow(admin.actor), email=email, password=password)
    assert auth.authenticate(app.uow(admin.actor), again).subject_id == occupier.id
    events = [
        r.event_type for r in agency_outbox(app, admin.agency_id) if r.aggregate_id == occupier.id
    ]
    assert events == ["occupier.archived", "occupier.restored"]


def test_h_01_a_locked_occupier_cannot_use_an_api_key_either(app: App, admin: Principal) -> None:
    occupier = make_occupier(app, admin)
    secret = api_key(app, admin.agency_id, Role.OCCUPIER, occupier.id)
    assert auth.authenticate(app.uow(admin.actor), secret).subject_id == occupier.id
    occupiers.lock(uow_of(app, admin), occupier.id)
    with pytest.raises(UnauthenticatedError) as err:
        auth.authenticate(app.uow(admin.actor), secret)
    assert err.value.rule == "H-01"
    occupiers.unlock(uow_of(app, admin), occupier.id)
    assert auth.authenticate(app.uow(admin.actor), secret).subject_id == occupier.id


def test_h_01_unlocking_an_active_occupier_is_refused(app: App, admin: Principal) -> None:
    occupier = make_occupier(app, admin)
    with pytest.raises(ConflictError) as err:
        occupiers.unlock(uow_of(app, admin), occupier.id)
    assert err.value.rule == "H-01"


# H-02 ---------------------------------------------------------------------------------------


def _archive_days_ago(app: App, who: Principal, occupier: Occupier, days: float) -> None:
    """Place an archiving in time: the clock is the database's, not ours to wait for."""
    with uow_of(app, who) as u:
        u.get(Occupier, occupier.id).archived_at = u.now() - timedelta(days=days)
        u.commit()


def _listed(app: App, who: Principal, **kw: Any) -> set[int]:
    page = occupiers.list_occupiers(uow_of(app, who), limit=500, **kw)
    return {o.id for o in page.items}


def test_h_02_default_list_is_active_and_recently_archived(app: App, admin: Principal) -> None:
    active = make_occupier(app, admin)
    two_days = make_occupier(app, admin)
    four_days = make_occupier(app, admin)
    just_locked = make_occupier(app, admin)
    occupiers.lock(uow_of(app, admin), just_locked.id)
    _archive_days_ago(app, admin, two_days, 2)
    _archive_days_ago(app, admin, four_days, 4)

    assert _listed(app, admin) == {active.id, two_days.id, just_locked.id}
    assert _listed(app, admin, status=OccupierFilter.ACTIVE_AND_RECENTLY_ARCHIVED) == {
        active.id,
        two_days.id,
        just_locked.id,
    }
    assert _listed(app, admin, status=OccupierFilter.ACTIVE) == {active.id}
    assert _listed(app, admin, status=OccupierFilter.ARCHIVED) == {
        two_days.id,
        four_days.id,
        just_locked.id,
    }
    assert _listed(app, admin, status=OccupierFilter.ALL) == {
        active.id,
        two_days.id,
        four_days.id,
        just_locked.id,
    }


def test_h_02_search_by_name_email_and_phone(app: App, admin: Principal) -> None:
    ada = make_occupier(
        app,
        admin,
        first_name="Ada",
        surname="Lovelace",
        email="ada.l@example.com",
        phone="07700 900456",
    )
    grace = make_occupier(
        app,
        admin,
        first_name="Grace",
        surname="Hopper",
        email="g.hopper@example.org",
        phone="020 7946 0001",
    )
    acme = make_occupier(app, admin, company="Acme Lettings Ltd", email="desk@acme.example")
    searches = {
        "ada": {ada.id},
        "LOVELACE": {ada.id},
        "Ada Lovelace": {ada.id},
        "lovelace ada": {ada.id},
        "Grace Hopper": {grace.id},
        "ADA.L@EXAMPLE.COM": {ada.id},
        "example.org": {grace.id},
        "acme": {acme.id},
        "07700 900456": {ada.id},
        "+44 7700 900456": {ada.id},
        "7700900456": {ada.id},
        "020 7946 0001": {grace.id},
        "Ada Hopper": set(),
        "nobody-like-this": set(),
    }
    for q, expected in searches.items():
        assert _listed(app, admin, q=q, status=OccupierFilter.ALL) == expected, q


def test_h_02_search_and_filter_combine(app: App, admin: Principal) -> None:
    kept = make_occupier(app, admin, surname="Kettering")
    gone = make_occupier(app, admin, surname="Kettering")
    _archive_days_ago(app, admin, gone, 10)
    assert _listed(app, admin, q="kettering") == {kept.id}
    assert _listed(app, admin, q="kettering", status=OccupierFilter.ARCHIVED) == {gone.id}


def test_h_02_search_wildcards_are_taken_literally(app: App, admin: Principal) -> None:
    make_occupier(app, admin, surname="Plain")
    assert _listed(app, admin, q="%", status=OccupierFilter.ALL) == set()
    assert _listed(app, admin, q="_", status=OccupierFilter.ALL) == set()


# H-03 ---------------------------------------------------------------------------------------


def test_h_03_bulk_archive_archives_the_whole_selection(app: App, admin: Principal) -> None:
    chosen = [make_occupier(app, admin) for _ in range(3)]
    already = make_occupier(app, admin)
    _archive_days_ago(app, admin, already, 1)
    stay = make_occupier(app, admin)
    with uow_of(app, admin) as u:
        first_archived_at = u.get(Occupier, already.id).archived_at
    occupiers.bulk_archive(uow_of(app, admin), [o.id for o in [*chosen, already]])
    assert _listed(app, admin, status=OccupierFilter.ACTIVE) == {stay.id}
    with uow_of(app, admin) as u:
        assert u.get(Occupier, already.id).archived_at == first_archived_at
    archived_events = {
        r.aggregate_id
        for r in agency_outbox(app, admin.agency_id)
        if r.event_type == "occupier.archived"
    }
    assert archived_events == {o.id for o in chosen}


def test_h_03_bulk_archive_is_all_or_nothing_on_an_unknown_id(app: App, admin: Principal) -> None:
    chosen = [make_occupier(app, admin) for _ in range(3)]
    theirs = make_occupier(app, make_agency(app))
    for bad in (10**9, theirs.id):
        with pytest.raises(NotFoundError) as err:
            occupiers.bulk_archive(
                uow_of(app, admin), [chosen[0].id, chosen[1].id, bad, chosen[2].id]
            )
        assert err.value.field == "occupier_ids"
        assert _listed(app, admin, status=OccupierFilter.ACTIVE) == {o.id for o in chosen}
    assert agency_outbox(app, admin.agency_id) == []


def test_h_03_bulk_archive_needs_a_selection(app: App, admin: Principal) -> None:
    with pytest.raises(InvalidError) as err:
        occupiers.bulk_archive(uow_of(app, admin), [])
    assert err.value.rule == "H-03"


# H-04 ---------------------------------------------------------------------------------------


def test_h_04_delete_needs_an_explicit_confirmation(app: App, admin: Principal) -> None:
    occupier = make_occupier(app, admin)
    for confirm in (False, None, "yes", 1):
        with pytest.raises(InvalidError) as err:
            occupiers.delete(uow_of(app, admin), occupier.id, confirm=confirm)  # type: ignore[arg-type]
        assert (err.value.field, err.value.rule) == ("confirm", "H-04")
    assert _listed(app, admin, status=OccupierFilter.ALL) == {occupier.id}


def _personal_strings(occupier: Occupier, login_email: str) -> list[str]:
    assert occupier.email
    assert occupier.phone
    return [occupier.email, occupier.surname, occupier.phone, occupier.phone[3:], login_email]


def _agency_audit_text(app: App, agency_id: int) -> list[str]:
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.actor_label, audit_log.c.changes).where(
                audit_log.c.agency_id == agency_id
            )
        )
        return [f"{label} {json.dumps(changes)}" for label, changes in rows]


def test_h_04_delete_anonymises_issues_and_removes_personal_data_everywhere(
    app: App, admin: Principal
) -> None:
    unit = make_unit(app, admin)
    occupier = living_occupier(
        app, admin, unit, first_name="Zebedee", surname="Quarrington", phone="07700 900777"
    )
    neighbour = living_occupier(app, admin, unit)
    login_email, password = occupier_login(app, admin, occupier)
    secret = api_key(app, admin.agency_id, Role.OCCUPIER, occupier.id)
    references.add_reference(
        uow_of(app, admin), "occupier", occupier.id, system="alto", external_id="T-9"
    )
    token = auth.login(app.uow(admin.actor), email=login_email, password=password)
    me = auth.authenticate(app.uow(admin.actor), token)  # acts under their login email

    reported = issues.report(uow_of(app, me), me, title="Broken boiler", unit_id=unit.id)
    by_agent = issues.report(
        uow_of(app, admin), admin, title="Leak", unit_id=unit.id, reporter_occupier_id=occupier.id
    )
    comment = issues.add_comment(
        uow_of(app, admin), admin, reported.id, body="Engineer Monday", to_all_occupiers=True
    )
    assert sorted(comment.recipient_ids) == sorted([occupier.id, neighbour.id])
    personal = _personal_strings(occupier, login_email)
    assert any(p in text for text in _agency_audit_text(app, admin.agency_id) for p in personal)

    occupiers.delete(uow_of(app, admin), occupier.id, confirm=True)

    # gone, and cannot be brought back
    assert _listed(app, admin, status=OccupierFilter.ALL) == {neighbour.id}
    with pytest.raises(NotFoundError):
        occupiers.unlock(uow_of(app, admin), occupier.id)
    # the issues stay, anonymised
    for issue_id in (reported.id, by_agent.id):
        kept = issues.get(uow_of(app, admin), admin, issue_id)
        assert kept.reporter_occupier_id is None
        assert (kept.reporter_email, kept.reporter_phone) == (None, None)
        assert kept.reporter_name == occupiers.ANONYMISED
    # comment recipients
    (stored,) = issues.comments_of(uow_of(app, admin), admin, reported.id)
    assert stored.recipient_ids == [neighbour.id]
    # logins, keys, tenancies and references
    with pytest.raises(UnauthenticatedError):
        auth.login(app.uow(admin.actor), email=login_email, password=password)
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(app.uow(admin.actor), token)
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(app.uow(admin.actor), secret)
    with uow_of(app, admin) as u:
        user = cols(User)
        logins = u.select(User, user.role == Role.OCCUPIER, user.subject_id == occupier.id)
        assert u.all(logins) == []
        assert u.all(u.select(Tenancy, cols(Tenancy).occupier_id == occupier.id)) == []
        ref = cols(ExternalRef)
        assert (
            u.all(
                u.select(ExternalRef, ref.entity_kind == "occupier", ref.entity_id == occupier.id)
            )
            == []
        )
    # the audit trail and the outbox hold none of their personal data
    for text in _agency_audit_text(app, admin.agency_id):
        for p in personal:
            assert p not in text, (p, text)
    for row in agency_outbox(app, admin.agency_id):
        for p in personal:
            assert p not in json.dumps(row.payload), (p, row.event_type)
    # ... yet the issues' own history is still there
    assert [e.action for e in history.history(uow_of(app, admin), "issue", reported.id)][
        0
    ] == "created"
    assert "occupier.deleted" in {r.event_type for r in agency_outbox(app, admin.agency_id)}


def test_h_04_a_new_occupier_never_inherits_a_deleted_ones_id_or_trail(
    app: App, admin: Principal
) -> None:
    gone = make_occupier(app, admin)
    occupiers.delete(uow_of(app, admin), gone.id, confirm=True)
    fresh = make_occupier(app, admin)
    assert fresh.id != gone.id
    assert [e.action for e in history.history(uow_of(app, admin), "occupier", fresh.id)] == [
        "created"
    ]
