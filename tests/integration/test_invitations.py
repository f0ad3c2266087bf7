"""C-12: welcome emails are never sent automatically by a sync; promotion is a separate,
explicit action (services.invitations.invite_occupier)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.people import Occupier
from repairlink.domain.places import Unit
from repairlink.errors import ForbiddenError, InvalidError, NotFoundError
from repairlink.services import invitations, occupiers, people_and_places
from repairlink.services.auth import Principal
from repairlink.store.tables import outbox
from tests.factories import make_agency, make_occupier, make_tenancy, make_unit, uow_of

SYNC = Actor(ActorKind.SYNC_RUN, 4711, "sync")


def agency_events(app: App, agency_id: int, event_type: str) -> list[Any]:
    with app.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(outbox)
                .where(outbox.c.agency_id == agency_id, outbox.c.event_type == event_type)
                .order_by(outbox.c.id)
            )
        )


def test_c_12_a_sync_creating_and_updating_occupiers_sends_no_welcome(
    app: App, admin: Principal
) -> None:
    sync = lambda: app.uow(SYNC, admin.agency_id)  # noqa: E731
    unit = people_and_places.create(sync(), Unit, {"line1": "1 Synced Road", "postcode": "LS1 1AA"})
    created = []
    for n in range(3):
        occupier = people_and_places.create(
            sync(),
            Occupier,
            {"first_name": f"Synced{n}", "surname": "Tenant", "email": f"synced{n}@example.com"},
        )
        make_tenancy(app, admin, occupier, unit)
        created.append(occupier)
    people_and_places.update(sync(), Occupier, created[0].id, {"phone": "07700 900999"})
    assert agency_events(app, admin.agency_id, invitations.INVITED) == []


def test_c_12_a_sync_cannot_promote_even_when_it_asks(app: App, admin: Principal) -> None:
    occupier = make_occupier(app, admin)
    for kind in (ActorKind.SYNC_RUN, ActorKind.RECONCILIATION):
        with pytest.raises(ForbiddenError) as err:
            invitations.invite_occupier(
                app.uow(Actor(kind, 1, "auto"), admin.agency_id), occupier.id
            )
        assert err.value.rule == "C-12"
    assert agency_events(app, admin.agency_id, invitations.INVITED) == []


def test_c_12_inviting_explicitly_queues_one_welcome(app: App, admin: Principal) -> None:
    unit = make_unit(app, admin)
    occupier = make_occupier(app, admin)
    make_tenancy(app, admin, occupier, unit)
    event = invitations.invite_occupier(uow_of(app, admin), occupier.id)
    rows = agency_events(app, admin.agency_id, invitations.INVITED)
    assert [(r.id, r.aggregate_kind, r.aggregate_id) for r in rows] == [
        (event.id, "occupier", occupier.id)
    ]
    assert rows[0].payload == {"occupier_id": occupier.id}  # no personal data in the outbox
    assert occupier.email not in str(rows[0].payload)


def test_c_12_an_occupier_without_a_tenancy_yet_or_moving_in_may_be_invited(
    app: App, admin: Principal
) -> None:
    fresh = make_occupier(app, admin)
    invitations.invite_occupier(uow_of(app, admin), fresh.id)
    moving_in = make_occupier(app, admin)
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    make_tenancy(app, admin, moving_in, make_unit(app, admin), start_date=tomorrow)
    invitations.invite_occupier(uow_of(app, admin), moving_in.id)
    rows = agency_events(app, admin.agency_id, invitations.INVITED)
    assert [r.aggregate_id for r in rows] == [fresh.id, moving_in.id]


def test_c_12_archived_or_emailless_or_moved_out_occupiers_are_refused(
    app: App, admin: Principal
) -> None:
    locked = make_occupier(app, admin)
    occupiers.lock(uow_of(app, admin), locked.id)
    no_email = make_occupier(app, admin, email=None)
    moved_out = make_occupier(app, admin)
    today = datetime.now(UTC).date()
    make_tenancy(
        app,
        admin,
        moved_out,
        make_unit(app, admin),
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=2),
    )
    for occupier, field in [(locked, "archived_at"), (no_email, "email"), (moved_out, "tenancy")]:
        with pytest.raises(InvalidError) as err:
            invitations.invite_occupier(uow_of(app, admin), occupier.id)
        assert (err.value.field, err.value.rule) == (field, "C-12")
    assert agency_events(app, admin.agency_id, invitations.INVITED) == []


def test_c_12_another_agencys_occupier_cannot_be_invited(app: App, admin: Principal) -> None:
    theirs = make_agency(app)
    their_occupier = make_occupier(app, theirs)
    with pytest.raises(NotFoundError):
        invitations.invite_occupier(uow_of(app, admin), their_occupier.id)
    assert agency_events(app, theirs.agency_id, invitations.INVITED) == []
