"""Reads about units for the record page and the reports page: what sits at a unit, duplicate
suggestions (H-06), units that reconciliation deactivated and its latest snapshot (PW-09)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa

from repairlink.domain.actors import ActorKind
from repairlink.domain.issues import Issue
from repairlink.domain.people import Occupier, Tenancy, UnitLandlord
from repairlink.domain.places import Unit
from repairlink.store.sync_tables import reconciliation_runs, reconciliation_snapshot
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork


def issues_at(uow: UnitOfWork, unit_id: int) -> list[Issue]:
    with uow.reading():
        uow.get(Unit, unit_id)
        return uow.all(uow.select(Issue, cols(Issue).unit_id == unit_id).order_by(cols(Issue).id))


def units_of_landlord(uow: UnitOfWork, landlord_id: int) -> list[Unit]:
    """The properties a landlord owns (their unit links), in id order."""
    link = cols(UnitLandlord)
    with uow.reading():
        owned = sa.select(link.unit_id).where(link.landlord_id == landlord_id)
        return uow.all(uow.select(Unit, cols(Unit).id.in_(owned)).order_by(cols(Unit).id))


def occupiers_at(uow: UnitOfWork, unit_id: int) -> list[tuple[Occupier, Tenancy]]:
    """Everyone with a tenancy at the unit, past or present, with that tenancy."""
    with uow.reading():
        uow.get(Unit, unit_id)
        tenancies = uow.all(uow.select(Tenancy, cols(Tenancy).unit_id == unit_id))
        ids = {t.occupier_id for t in tenancies}
        found = {o.id: o for o in uow.all(uow.by_ids(Occupier, ids))}
        return [(found[t.occupier_id], t) for t in tenancies if t.occupier_id in found]


def duplicate_groups(uow: UnitOfWork, *, unit_id: int | None = None) -> list[list[Unit]]:
    """H-06 suggestions: units not yet merged whose normalised addresses are the same (the
    AL-09 matching key), oldest first in each group; only those of `unit_id` when given."""
    unit = cols(Unit)
    shared = (
        sa.select(unit.address_key)
        .where(unit.agency_id == uow.agency, unit.merged_into_id.is_(None))
        .group_by(unit.address_key)
        .having(sa.func.count() > 1)
    )
    with uow.reading():
        if unit_id is not None:
            key = uow.get(Unit, unit_id).address_key
            shared = shared.where(unit.address_key == key)
        rows = uow.all(
            uow.select(Unit, unit.merged_into_id.is_(None), unit.address_key.in_(shared)).order_by(
                unit.id
            )
        )
    groups: dict[str, list[Unit]] = defaultdict(list)
    for row in rows:
        groups[row.address_key].append(row)
    return list(groups.values())


def deactivated_by_reconciliation(uow: UnitOfWork, *, since: datetime) -> list[Unit]:
    """PW-09: units a reconciliation deactivated since `since`, newest first."""
    unit = cols(Unit)
    with uow.reading():
        return uow.all(
            uow.select(
                Unit,
                unit.active.is_(False),
                unit.deactivated_by == ActorKind.RECONCILIATION.value,
                unit.deactivated_at >= since,
            ).order_by(unit.deactivated_at.desc(), unit.id)
        )


def snapshot_units(uow: UnitOfWork) -> list[Unit]:
    """PW-09: the units of the agency's most recent reconciliation snapshot (its latest
    succeeded reconciliation: one that failed or refused took none): each unit of ours that the
    PMS listed, active or not, in id order. Empty until a reconciliation has succeeded."""
    run, taken, unit = reconciliation_runs.c, reconciliation_snapshot.c, cols(Unit)
    latest = (
        sa.select(run.id)
        .where(run.agency_id == uow.agency, run.kind == "unit", run.status == "succeeded")
        .order_by(run.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    listed = sa.select(taken.entity_id).where(taken.run_id == latest)
    with uow.reading():
        return uow.all(uow.select(Unit, unit.id.in_(listed)).order_by(unit.id))
