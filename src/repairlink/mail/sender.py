"""The mail channel of the delivery ledger: a delivery on channel "mail" is one message to one
person. It goes only if the agency has its kind switched on and the person can be reached;
otherwise it is "not sent", with the reason (a skipped delivery). An SMTP failure is retried
by the ledger like any other delivery's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa

from repairlink.domain.actors import Actor
from repairlink.domain.delivery import Outcome
from repairlink.mail.compose import context_for, email_of, message_id_of
from repairlink.mail.kinds import KINDS
from repairlink.mail.reach import reach
from repairlink.mail.render import render
from repairlink.mail.smtp import SmtpSender
from repairlink.mail.switches import switched_on
from repairlink.settings import Settings
from repairlink.store.mail_tables import mail_messages
from repairlink.store.uow import UnitOfWork

Row = Mapping[str, Any]
UowFor = Callable[[Actor, int], UnitOfWork]
m = mail_messages.c


class MailChannel:
    def __init__(self, settings: Settings, uow_for: UowFor) -> None:
        self.settings = settings
        self.uow_for = uow_for
        self.smtp = SmtpSender(settings)

    def send(self, delivery: Row, event: Row, now: datetime) -> Outcome:
        agency_id, message_id = int(delivery["agency_id"]), int(delivery["target_id"])
        prepared = self._prepare(agency_id, message_id, event["payload"])
        if isinstance(prepared, Outcome):
            return prepared
        outcome = self.smtp.send(prepared)
        if outcome.ok:
            with self.uow_for(Actor.system("mail"), agency_id) as uow:
                uow.session.connection().execute(
                    sa.update(mail_messages)
                    .where(m.id == message_id)
                    .values(
                        to_address=_address_of(prepared["To"]),
                        subject=str(prepared["Subject"]),
                        sent_at=now,
                    )
                )
                uow.commit()
            return Outcome.sent("Sent", status_code=outcome.status_code)
        return outcome

    def _prepare(self, agency_id: int, message_id: int, payload: Row) -> EmailMessage | Outcome:
        with self.uow_for(Actor.system("mail"), agency_id) as uow:
            conn = uow.session.connection()
            found = conn.execute(
                sa.select(mail_messages).where(m.id == message_id, m.agency_id == agency_id)
            ).first()
            message: Row | None = None if found is None else dict(found._mapping)
            if message is None:
                return Outcome.skip("The message is no longer there")
            kind = KINDS[message["kind"]]
            if not switched_on(conn, agency_id, kind.name):
                return Outcome.skip(f"The agency has switched off “{kind.label}” mail")
            who = reach(uow, message["recipient_kind"], message["recipient_id"])
            if who.address is None:
                return Outcome.skip(who.reason)
            context = context_for(uow, message, payload, who, self.settings.console_url)
            rendered = render(kind.name, context)
            agency_name = context["agency"].name
            uow.commit()  # an invitation's password link
        domain = self.settings.mail_from.rpartition("@")[2] or "repairlink.invalid"
        return email_of(
            rendered,
            agency_name=agency_name,
            sender=self.settings.mail_from,
            who=who,
            message_id=message_id_of(agency_id, message_id, domain),
        )


def _address_of(header: Any) -> str:
    return str(header.addresses[0].addr_spec) if header.addresses else str(header)
