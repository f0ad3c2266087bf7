"""Messages rendered from Jinja2 templates (templates/<kind>.txt and .html), in the agency's
name: the subject from the kind's catalogue entry, a plain-text body and an HTML one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from repairlink.domain.formats import Formats
from repairlink.mail.kinds import KINDS


def _formats(context: Context) -> Formats:
    """The agency's locale and time zone (a US agency's occupier reads 5:00 PM Pacific and
    dollars, not the UK's time and pounds)."""
    agency = context["agency"]
    return Formats(agency.locale, agency.time_zone)


@pass_context
def _when(context: Context, value: datetime | None) -> str:
    return _formats(context).in_words(value)


@pass_context
def _money(context: Context, minor: int | None) -> str:
    return "" if minor is None else _formats(context).money(minor)


@pass_context
def _tax_word(context: Context) -> str:
    return _formats(context).tax_word


env = Environment(
    loader=PackageLoader("repairlink.mail", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
env.filters["when"] = _when
env.filters["money"] = _money
env.globals["tax_word"] = _tax_word


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, context: dict[str, Any]) -> Rendered:
    subject = " ".join(env.from_string(KINDS[kind].subject).render(context).split())[:255]
    context = {**context, "subject": subject}
    return Rendered(
        subject=subject,
        text=env.get_template(f"{kind}.txt").render(context),
        html=env.get_template(f"{kind}.html").render(context),
    )
