"""Properties: the active/deactivated filter (H-05), deactivate and reactivate, merging
duplicates so that one address has one unit (H-06)."""

from __future__ import annotations

import re
from enum import StrEnum

import sqlalchemy as sa

from repairlink.domain.issues import Issue
from repairlink.domain.people import ExternalRef, Tenancy, UnitLandlord
from repairlink.domain.places import Unit
from repairlink.errors import InvalidError
from repairlink.services.pagination import Numbered, Page, numbered, paginate
from repairlink.services.people_and_places import contains
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

_WORD = re.compile(r"[a-z0-9]+")
_POSTCODE_PART = re.compile(r"[a-z][0-9]|[0-9][a-z]")  # a letter beside a digit: 'n16', '9ph'


class UnitFilter(StrEnum):
    """'Is property active': the default list shows active properties only (H-05)."""

    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    ALL = "all"


def address_words(q: str) -> sa.ColumnElement[bool]:
    """The words of `q` are words of the unit's address as the console writes it (flat, lines,
    town, county, postcode), whatever its case and punctuation, the last one perhaps still being
    typed: 'Flat 1, 12 Albion Road' finds flat 1, not flat 2. A postcode matches with or
    without its space ('N169PH')."""
    unit = cols(Unit)
    words = _WORD.findall(q.lower())
    if not words:
        return sa.false()
    spaced = sa.func.replace(unit.address_key, "|", " ")
    haystack = sa.literal(" ") + spaced + sa.literal(" ") + sa.func.lower(unit.county) + " "
    postcode = sa.func.replace(sa.func.lower(unit.postcode), " ", "")
    clauses = []
    for n, word in enumerate(words):
        tail = "%" if n == len(words) - 1 else " %"
        found: sa.ColumnElement[bool] = haystack.like(f"% {word}{tail}")
        if _POSTCODE_PART.search(word):
            found = sa.or_(found, postcode.like(contains(word), escape="\\"))
        clauses.append(found)
    return sa.and_(*clauses)


def _search(uow: UnitOfWork, q: str) -> sa.ColumnElement[bool]:
    """By any part of the address, the unit's own reference, or any PMS's reference (id or
    OID) of the unit."""
    unit, ref = cols(Unit), cols(ExternalRef)
    whole = q.strip()
    by_pms = sa.select(ref.entity_id).where(
        ref.agency_id == uow.agency,
        ref.entity_kind == "unit",
        sa.or_(ref.external_id == whole, ref.external_oid == whole),
    )
    return sa.or_(
        address_words(whole),
        sa.func.lower(unit.ref).like(contains(whole.lower()), escape="\\"),
        unit.id.in_(by_pms),
    )


def _filtered(
    uow: UnitOfWork,
    status: UnitFilter,
    q: str,
    estate_id: int | None = None,
    building_id: int | None = None,
) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if estate_id is not None:  # block management: the property list by estate and building
        where.append(cols(Unit).estate_id == estate_id)
    if building_id is not None:
        where.append(cols(Unit).building_id == building_id)
    if status is not UnitFilter.ALL:
        where.append(cols(Unit).active.is_(status is UnitFilter.ACTIVE))
    if q.strip():
        where.append(_search(uow, q))
    return where


def list_units(
    uow: UnitOfWork,
    *,
    status: UnitFilter = UnitFilter.ACTIVE,
    q: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Unit]:
    with uow.reading():
        where = _filtered(uow, status, q)
        return paginate(uow, uow.select(Unit, *where), cols(Unit).id, cursor=cursor, limit=limit)


def find_units(
    uow: UnitOfWork,
    *,
    status: UnitFilter = UnitFilter.ACTIVE,
    q: str = "",
    page: int = 1,
    per_page: int = 50,
    estate_id: int | None = None,
    building_id: int | None = None,
) -> Numbered[Unit]:
    """The console's list: the same search, numbered pages with the total."""
    with uow.reading():
        where = _filtered(uow, status, q, estate_id, building_id)
        return numbered(uow, uow.select(Unit, *where), cols(Unit).id, page=page, per_page=per_page)


def deactivate_unit(uow: UnitOfWork, unit_id: int) -> Unit:
    with uow:
        unit = uow.get(Unit, unit_id)
        unit.deactivate(uow.actor, uow.now())
        uow.emit("unit.deactivated", unit)
        uow.commit()
    return unit


def reactivate_unit(uow: UnitOfWork, unit_id: int) -> Unit:
    with uow:
        unit = uow.get(Unit, unit_id)
        unit.reactivate()
        uow.emit("unit.reactivated", unit)
        uow.commit()
    return unit


def merge_units(uow: UnitOfWork, *, survivor_id: int, duplicate_id: int) -> Unit:
    """H-06: issues, tenancies, landlords and external references move to the survivor; the
    duplicate is deactivated and points at it. Each move is in the audit trail."""
    if survivor_id == duplicate_id:
        raise InvalidError(
            "unit.merge_self",
            "A unit cannot be merged into itself",
            field="duplicate_id",
            rule="H-06",
        )
    with uow:
        survivor = uow.get(Unit, survivor_id, field="survivor_id")
        duplicate = uow.get(Unit, duplicate_id, field="duplicate_id")
        if duplicate.merged_into_id is not None:
            raise InvalidError(
                "unit.already_merged",
                "That unit was already merged",
                field="duplicate_id",
                rule="H-06",
            )
        if survivor.merged_into_id is not None:
            raise InvalidError(
                "unit.survivor_merged",
                f"That unit was merged into unit {survivor.merged_into_id}: merge into that one",
                field="survivor_id",
                rule="H-06",
            )
        for issue in uow.all(uow.select(Issue, cols(Issue).unit_id == duplicate.id)):
            issue.unit_id = survivor.id
        for tenancy in uow.all(uow.select(Tenancy, cols(Tenancy).unit_id == duplicate.id)):
            tenancy.unit_id = survivor.id
        links = cols(UnitLandlord)
        kept = uow.all(uow.select(UnitLandlord, links.unit_id == survivor.id))
        kept_landlords = {link.landlord_id for link in kept}
        has_primary = any(link.primary for link in kept)
        for link in uow.all(uow.select(UnitLandlord, links.unit_id == duplicate.id)):
            if link.landlord_id in kept_landlords:
                uow.delete(link)
                continue
            link.unit_id = survivor.id
            if link.primary and has_primary:  # a unit has one primary landlord: the survivor's
                link.primary = False
            has_primary = has_primary or link.primary
        ref = cols(ExternalRef)
        refs = uow.select(ExternalRef, ref.entity_kind == "unit", ref.entity_id == duplicate.id)
        for moved in uow.all(refs):
            moved.entity_id = survivor.id
        if duplicate.active:
            duplicate.deactivate(uow.actor, uow.now())
        duplicate.merged_into_id = survivor.id
        uow.emit("unit.merged", survivor, duplicate_id=duplicate.id)
        uow.commit()
    return survivor
