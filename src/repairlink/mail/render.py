"""Messages rendered from Jinja2 templates (templates/<kind>.txt and .html), in the agency's
name: the subject from the kind's catalogue entry, a plain-text body and an HTML one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from repairlink.mail.kinds import KINDS

LOCAL = ZoneInfo("Europe/London")  # the agencies are British: times in their zone


def _when(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(LOCAL).strftime("%A %d %B %Y at %H:%M")


def _pounds(pence: int | None) -> str:
    return "" if pence is None else f"£{pence / 100:,.2f}"


env = Environment(
    loader=PackageLoader("repairlink.mail", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
env.filters["when"] = _when
env.filters["pounds"] = _pounds


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
