"""Promotion: the welcome invitation to an occupier (C-12).

Welcome emails are never sent automatically: creating or updating occupiers (by hand, by CSV
import or by a sync) queues nothing. An agent promotes the platform to an occupier with this
separate, explicit action, which queues one `occupier.invited` outbox event. The event carries
the occupier's id only: the deliverer reads the address when it sends, so a deleted occupier's
email never sits in the outbox (H-04).
"""

from __future__ import annotations

from repairlink.domain.actors import ActorKind
from repairlink.domain.audit import OutboxEvent
from repairlink.domain.people import Occupier, Tenancy
from repairlink.errors import ForbiddenError, InvalidError, NotFoundError
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

INVITED = "occupier.invited"
AUTOMATED = (ActorKind.SYNC_RUN, ActorKind.RECONCILIATION)


def invite_occupier(uow: UnitOfWork, occupier_id: int) -> OutboxEvent:
    """Queue a welcome for one occupier. Refused for a sync or reconciliation (C-12), an archived
    occupier, one without an email, and one who has moved out (tenancies, none current or
    coming); an occupier with no tenancy recorded yet may be invited."""
    if uow.actor.kind in AUTOMATED:
        raise ForbiddenError(
            "invitation.automated",
            "Welcome emails are sent only by an explicit action, never by a sync",
            field="actor",
            rule="C-12",
        )
    with uow:
        occupier = uow.get(Occupier, occupier_id)
        if not occupier.active:
            raise InvalidError(
                "invitation.archived",
                "This occupier is archived (locked out): unlock them before inviting them",
                field="archived_at",
                rule="C-12",
            )
        if not occupier.email:
            raise InvalidError(
                "invitation.no_email",
                "This occupier has no email address to send the welcome to",
                field="email",
                rule="C-12",
            )
        tenancies = uow.all(uow.select(Tenancy, cols(Tenancy).occupier_id == occupier.id))
        today = uow.now().date()
        current_or_coming = (
            t.covers(today) or (t.active and t.start_date > today) for t in tenancies
        )
        if tenancies and not any(current_or_coming):
            raise InvalidError(
                "invitation.moved_out",
                "This occupier no longer lives at any of the agency's properties",
                field="tenancy",
                rule="C-12",
            )
        event = uow.emit(INVITED, occupier, occupier_id=occupier.id)
        uow.commit()
    return event


def invite_many(uow: UnitOfWork, occupier_ids: list[int]) -> tuple[list[int], list[str]]:
    """The bulk "Invite" action on a selection of occupiers: each one invited in a transaction
    of its own. Answers who was invited, and why each of the others could not be."""
    if not occupier_ids:
        raise InvalidError(
            "occupier.none_selected", "Select at least one occupier", field="occupier_ids"
        )
    invited, refused = [], []
    for occupier_id in dict.fromkeys(occupier_ids):
        try:
            invite_occupier(uow, occupier_id)
        except NotFoundError as exc:
            refused.append(exc.message)
            continue
        except InvalidError as exc:
            with uow.reading():
                name = uow.get(Occupier, occupier_id).display_name
            refused.append(f"{name}: {exc.message}")
            continue
        invited.append(occupier_id)
    return invited, refused
