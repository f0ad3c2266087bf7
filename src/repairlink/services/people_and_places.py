"""Create, read, update and list the plain records (places and people), one shared path.

Input is normalised here, once, for every caller (API, CLI, imports, sync): emails validated and
lower-cased, phones in E.164, UK postcodes in their one spelling, unit address keys for matching.
Ids of related records are checked to be this agency's (C-01).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from repairlink.domain.people import Agent, Contractor, ExternalRef, Landlord, Occupier, Rmc
from repairlink.domain.places import Building, Estate, Unit
from repairlink.domain.values import Address, normalise_email, normalise_phone, normalise_postcode
from repairlink.errors import ConflictError, InvalidError
from repairlink.services.pagination import Numbered, Page, numbered, paginate
from repairlink.store.sync_tables import connections
from repairlink.store.tables import KIND_OF, cols
from repairlink.store.uow import UnitOfWork

T = TypeVar("T")

REFERENCES: dict[str, type] = {
    "estate_id": Estate,
    "building_id": Building,
    "unit_id": Unit,
    "occupier_id": Occupier,
    "landlord_id": Landlord,
    "rmc_id": Rmc,
    "property_manager_id": Agent,
    "contractor_id": Contractor,
    "merged_into_id": Unit,
}
SEARCHABLE = ("first_name", "surname", "company", "email", "phone", "phone2")


def clean(fields: dict[str, Any], *, region: str = "GB") -> dict[str, Any]:
    """Validate and normalise contact and address values (a phone written without its
    country is taken as `region`'s, the agency's); no I/O (the sync engine uses it)."""
    clean = dict(fields)
    if "email" in clean:
        clean["email"] = normalise_email(clean["email"]) if clean["email"] else None
    for name in ("phone", "phone2"):
        if name in clean:
            number = clean[name]
            clean[name] = normalise_phone(number, field=name, region=region) if number else None
    if clean.get("postcode") and clean.get("country", "GB") == "GB":
        clean["postcode"] = normalise_postcode(clean["postcode"])
    return clean


def normalise(uow: UnitOfWork, fields: dict[str, Any]) -> dict[str, Any]:
    """`clean`, and every related id checked to be this agency's (C-01)."""
    values = clean(fields, region=uow.this_agency().region)
    for name, cls in REFERENCES.items():
        if values.get(name) is not None:
            uow.get(cls, values[name], field=name)
    return values


def _with_address_key(unit: Unit) -> None:
    parts = {
        n: getattr(unit, n)
        for n in ("flat", "line1", "line2", "line3", "town", "county", "postcode", "country")
    }
    unit.set_address(Address.create(**parts))


# (system, kind) -> (rule, the PMS's name) when that kind comes only from that PMS, or None
CreatedIn = Callable[[str, str], tuple[str, str] | None]


def create(
    uow: UnitOfWork, cls: type[T], fields: dict[str, Any], *, only_in_pms: CreatedIn | None = None
) -> T:
    """Make a record. A kind that comes only from a PMS the agency is connected to is refused
    (PW-08): it would never reach that PMS."""
    with uow:
        if only_in_pms is not None:
            _refuse_if_made_in_pms(uow, KIND_OF[cls], only_in_pms)
        obj = cls(agency_id=uow.agency, **normalise(uow, fields))  # type: ignore[call-arg]
        if isinstance(obj, Unit):
            _with_address_key(obj)
        uow.add(obj)
        uow.flush()
        uow.commit()
    return obj


def _refuse_if_made_in_pms(uow: UnitOfWork, kind: str, only_in_pms: CreatedIn) -> None:
    c = connections.c
    systems = uow.session.execute(
        sa.select(c.system).where(c.agency_id == uow.agency, c.enabled).order_by(c.id)
    ).scalars()
    for system in systems:
        found = only_in_pms(system, kind)
        if found is not None:
            rule, title = found
            raise ConflictError(
                f"{kind}.created_in_pms",
                f"{title} is connected: add the {kind.replace('_', ' ')} in {title}, and the "
                "next sync brings it here",
                rule=rule,
            )


# (system, kind, field) -> the rule id that makes the PMS the owner of that field, or None
OwnedBy = Callable[[str, str, str], str | None]


def update(
    uow: UnitOfWork,
    cls: type[T],
    record_id: int,
    fields: dict[str, Any],
    *,
    owned: OwnedBy | None = None,
) -> T:
    """Change a record. A field that a connected PMS owns is refused (PM-02, AL-01): the
    message says where to change it."""
    with uow:
        obj = uow.get(cls, record_id)
        owners = _systems_referencing(uow, KIND_OF[cls], record_id) if owned else []
        for name, value in normalise(uow, fields).items():
            if not hasattr(obj, name) or name in ("id", "agency_id"):
                raise InvalidError("record.unknown_field", f"'{name}' cannot be set", field=name)
            if owned and getattr(obj, name) != value:
                for system in owners:
                    if rule := owned(system, KIND_OF[cls], name):
                        raise InvalidError(
                            "record.pms_owned",
                            f"'{name}' comes from {system.title()}: change it in {system.title()}",
                            field=name,
                            rule=rule,
                        )
            setattr(obj, name, value)
        if isinstance(obj, Unit):
            _with_address_key(obj)
        uow.commit()
    return obj


def _systems_referencing(uow: UnitOfWork, kind: str, record_id: int) -> list[str]:
    ref = cols(ExternalRef)
    query = sa.select(ref.system).where(
        ref.agency_id == uow.agency, ref.entity_kind == kind, ref.entity_id == record_id
    )
    return list(uow.session.scalars(query))


def get(uow: UnitOfWork, cls: type[T], record_id: int) -> T:
    with uow.reading():
        return uow.get(cls, record_id)


_PHONE_LIKE = re.compile(r"[\d\s()+.-]+")


def contains(text: str) -> str:
    """A LIKE pattern finding `text` anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_clause(cls: type, q: str) -> sa.ColumnElement[bool]:
    """Case-insensitive search over a person's name, email and phones (H-02). Every word must
    match some field, so 'Ada Lovelace' finds first name Ada + surname Lovelace; a query that
    looks like a phone number matches phones whatever their spelling ('07700 900123' finds
    '+447700900123')."""
    columns = [cols(cls)[name] for name in SEARCHABLE if name in cols(cls)]
    words = q.lower().split()
    if not columns or not words:
        return sa.false() if not columns else sa.true()
    by_words = sa.and_(
        *[
            sa.or_(*[sa.func.lower(col).like(contains(word), escape="\\") for col in columns])
            for word in words
        ]
    )
    digits = "".join(ch for ch in q if ch.isdigit())
    if len(digits) < 4 or not _PHONE_LIKE.fullmatch(q.strip()):
        return by_words
    phones = [col for col in columns if "phone" in col.key]
    number = digits.lstrip("0")
    return sa.or_(by_words, *[col.like(f"%{number}%") for col in phones])


def find_people(
    uow: UnitOfWork,
    cls: type[T],
    *,
    q: str = "",
    archived: bool | None = False,
    page: int = 1,
    per_page: int = 50,
) -> Numbered[T]:
    """A console list of people of `cls` (contractors, landlords): searched by name, email or
    phone; active ones (`archived=False`), archived ones (True) or all (None); numbered."""
    archived_at = cols(cls).archived_at
    where: list[sa.ColumnElement[bool]] = []
    if archived is not None:
        where.append(archived_at.is_not(None) if archived else archived_at.is_(None))
    if q.strip():
        where.append(search_clause(cls, q))
    with uow.reading():
        return numbered(uow, uow.select(cls, *where), cols(cls).id, page=page, per_page=per_page)


def names_of(uow: UnitOfWork, cls: type, ids: set[int]) -> dict[int, str]:
    """How people name records of `cls`: a unit by its address, a person by their name."""
    with uow.reading():
        found: list[Any] = uow.all(uow.by_ids(cls, ids))
    return {r.id: r.address.one_line() if isinstance(r, Unit) else r.display_name for r in found}


def list_page(
    uow: UnitOfWork,
    cls: type[T],
    *where: Any,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[T]:
    with uow.reading():
        return paginate(uow, uow.select(cls, *where), cols(cls).id, cursor=cursor, limit=limit)
