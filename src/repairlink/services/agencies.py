"""Agencies and their settings (C-07, C-08, C-11)."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from repairlink.domain.agency import Agency
from repairlink.errors import InvalidError, NotFoundError
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

SETTINGS = (
    "feedback_enabled",
    "costs_option",
    "invoice_option",
    "only_display_uploaded_properties",
    "name",
    "locale",
    "time_zone",
)
LOCALES = ("en_GB", "en_US")  # how money, dates and numbers are written
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def create_agency(uow: UnitOfWork, *, name: str, slug: str) -> Agency:
    if not _SLUG.match(slug):
        raise InvalidError(
            "agency.bad_slug", "A slug is 2-63 lower-case letters, digits and dashes", field="slug"
        )
    with uow:
        taken = uow.session.scalar(sa.select(cols(Agency).id).where(cols(Agency).slug == slug))
        if taken is not None:
            raise InvalidError("agency.slug_taken", f"The slug '{slug}' is taken", field="slug")
        agency = Agency(name=name, slug=slug, created_at=uow.now())
        uow.add(agency)
        uow.flush()
        uow.agency_id = agency.id
        uow.commit()
    return agency


def find_by_slug(uow: UnitOfWork, slug: str) -> Agency:
    with uow.reading():
        agency = uow.session.scalars(sa.select(Agency).where(cols(Agency).slug == slug)).first()
        if agency is None:
            raise NotFoundError("agency.not_found", f"No agency '{slug}'", field="agency")
        return agency


def get_agency(uow: UnitOfWork) -> Agency:
    with uow.reading():
        return uow.this_agency()


def update_settings(uow: UnitOfWork, changes: dict[str, Any]) -> Agency:
    with uow:
        agency = uow.this_agency()
        for name, value in changes.items():
            if name not in SETTINGS:
                raise InvalidError("agency.unknown_setting", f"No setting '{name}'", field=name)
            setattr(agency, name, _checked(name, value))
        uow.commit()
    return agency


def _checked(name: str, value: Any) -> Any:
    """The setting's value as kept, or why it is refused."""
    if name == "name":
        return _name(value)
    if name == "locale" and value not in LOCALES:
        raise InvalidError(
            "agency.bad_locale", f"Choose one of {', '.join(LOCALES)}", field="locale"
        )
    if name == "time_zone":
        try:
            ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidError(
                "agency.bad_time_zone", f"'{value}' is not a time zone", field="time_zone"
            ) from None
    return value


def _name(value: Any) -> str:
    """Never blank: it is the From name of the agency's mail and names it in invitations."""
    name = str(value).strip()
    if not name:
        raise InvalidError("agency.name_required", "Give the agency a name", field="name")
    return name
