"""What a message says: its template's context, read when it is sent (the issue as it is then),
and the e-mail itself, in the agency's name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any

from repairlink.domain.issues import Comment, Issue, Party, Quote
from repairlink.domain.people import Contractor, Landlord
from repairlink.domain.places import Unit
from repairlink.mail.reach import Reach
from repairlink.mail.render import Rendered
from repairlink.services.password_links import make_link
from repairlink.store.uow import UnitOfWork

Row = Mapping[str, Any]
_AGENCY_IN_ID = re.compile(r"<rl-(\d+)-\d+@")


def message_id_of(agency_id: int, message_id: int, domain: str) -> str:
    """The Message-ID header of one of an agency's messages: it names the agency, so the
    messages caught in `make run` are shown only to theirs."""
    return f"<rl-{agency_id}-{message_id}@{domain}>"


def agency_in(message_id: str) -> int | None:
    """The agency a Message-ID made by `message_id_of` names (None: not one of ours)."""
    found = _AGENCY_IN_ID.match(message_id.strip())
    return int(found.group(1)) if found else None


def context_for(uow: UnitOfWork, message: Row, payload: Row, who: Reach, console: str) -> Any:
    """Inside `with uow`. An invitation makes its password link here (the caller commits)."""
    ctx: dict[str, Any] = {
        "agency": uow.this_agency(),
        "name": who.name,
        "issue": None,
        "address": "",
        "link": "",
        "to_party": message["recipient_kind"] in ("contractor", "landlord"),
        "party_name": "",
        "quote": None,
        "contractor_name": "",
        "comment": None,
        "expires_at": None,
    }
    if message["kind"] == "invitation":
        token, ctx["expires_at"] = make_link(uow, int(message["recipient_id"]))
        ctx["link"] = f"{console}/welcome/{token}"
        return ctx
    issue = uow.get(Issue, int(message["issue_id"]))
    ctx["issue"] = issue
    ctx["address"] = _address(uow, issue)
    ctx["party_name"] = _party_name(uow, issue)
    ctx["link"] = _link(console, message["recipient_kind"], issue)
    if payload.get("quote_id") is not None:
        quote = uow.get(Quote, int(payload["quote_id"]))
        ctx["quote"] = quote
        ctx["contractor_name"] = uow.get(Contractor, quote.contractor_id).display_name
    if payload.get("comment_id") is not None:
        ctx["comment"] = uow.get(Comment, int(payload["comment_id"]))
    return ctx


def _address(uow: UnitOfWork, issue: Issue) -> str:
    if issue.unit_id is None:
        return issue.free_address
    return uow.get(Unit, issue.unit_id).address.one_line()


def _party_name(uow: UnitOfWork, issue: Issue) -> str:
    if issue.instructed_party is Party.LANDLORD and issue.landlord_id is not None:
        return uow.get(Landlord, issue.landlord_id).display_name
    if issue.contractor_id is not None:
        return uow.get(Contractor, issue.contractor_id).display_name
    return ""


def _link(console: str, recipient_kind: str, issue: Issue) -> str:
    """Where the recipient follows the issue in the console (a landlord has no login)."""
    return {
        "user": f"{console}/issues/{issue.id}",
        "contractor": f"{console}/jobs/{issue.id}",
        "occupier": f"{console}/my/issues",
    }.get(recipient_kind, "")


def email_of(
    rendered: Rendered, *, agency_name: str, sender: str, who: Reach, message_id: str
) -> EmailMessage:
    """The message-id stays the same when a message is sent again: a receiver can tell."""
    email = EmailMessage()
    email["From"] = formataddr((agency_name, sender))
    email["To"] = formataddr((who.name, str(who.address)))
    email["Subject"] = rendered.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id
    email.set_content(rendered.text)
    email.add_alternative(rendered.html, subtype="html")
    return email
