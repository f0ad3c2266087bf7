"""Can a person be reached by mail now? An address, not archived (nor locked out), not
deleted, a login that is on. When not, the reason is said in plain words for the log."""

from __future__ import annotations

from dataclasses import dataclass

from repairlink.domain.agency import User
from repairlink.domain.people import Contractor, Landlord, Occupier, Person
from repairlink.store.uow import UnitOfWork

CLASSES: dict[str, type[Person]] = {
    "occupier": Occupier,
    "contractor": Contractor,
    "landlord": Landlord,
}


@dataclass(frozen=True)
class Reach:
    name: str
    address: str | None  # None: cannot be reached, for `reason`
    reason: str = ""


def reach(uow: UnitOfWork, kind: str, person_id: int | None) -> Reach:
    """Inside `with uow`."""
    found = _find(uow, kind, person_id)
    if found is None:
        return Reach("", None, f"The {kind} was deleted")
    if isinstance(found, User):
        if not found.active:
            return Reach(found.name, None, f"{found.name or found.email}'s login is switched off")
        return Reach(found.name or found.email, found.email)
    name = found.display_name
    if not found.active:
        state = "locked out (archived)" if kind == "occupier" else "archived"
        return Reach(name, None, f"{name} is {state}")
    if not found.email:
        return Reach(name, None, f"{name} has no e-mail address")
    return Reach(name, found.email)


def _find(uow: UnitOfWork, kind: str, person_id: int | None) -> User | Person | None:
    if person_id is None:
        return None
    found = (
        uow.session.get(User, person_id)
        if kind == "user"
        else uow.session.get(CLASSES[kind], person_id)
    )
    if found is None or found.agency_id != uow.agency:
        return None
    return found
