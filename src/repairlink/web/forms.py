"""Small parsers for form input, with errors that name the field (principle 8)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from fastapi import UploadFile

from repairlink.domain.values import MAX_AMOUNT, MAX_PENCE
from repairlink.errors import InvalidError
from repairlink.services.issue_files import Upload

_SYMBOLS = "£$€ "
_DIGITS = re.compile(r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


def pence(text: str, *, field: str, rule: str | None = None) -> int:
    """'120.50', '£120.50' or '$1,120.50' -> 12050 (pence or cents). Digits only: '1e30',
    'Infinity' and the like are no amount a person means."""
    cleaned = text.strip().lstrip(_SYMBOLS).replace(",", "")
    if not _DIGITS.match(cleaned):
        raise InvalidError(
            "form.bad_amount",
            f"'{text}' is not an amount of money: write it in figures, like 120.50",
            field=field,
            rule=rule,
        )
    amount = Decimal(cleaned)
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidError(
            "form.bad_amount",
            "Give an amount with at most two decimals, not below zero",
            field=field,
            rule=rule,
        )
    if amount * 100 > MAX_PENCE:
        raise InvalidError(
            "form.amount_too_large",
            f"An amount cannot be more than {MAX_AMOUNT}",
            field=field,
            rule=rule,
        )
    return int(amount * 100)


def text(value: str, *, field: str, limit: int) -> str:
    """A text field within its limit (repairlink.domain.limits, the API's too). Checked here,
    not by the route's signature, so that a refusal keeps what was typed (web.again)."""
    if len(value) > limit:
        raise InvalidError(
            "form.too_long",
            f"Write at most {limit:,} characters (this has {len(value):,})",
            field=field,
        )
    return value


def local_datetime(text: str, *, field: str, zone: ZoneInfo, rule: str | None = None) -> datetime:
    """A datetime-local input ('2026-11-25T09:30'), read in the agency's time zone."""
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidError(
            "form.bad_datetime", "Give a date and a time", field=field, rule=rule
        ) from None
    return naive.replace(tzinfo=zone) if naive.tzinfo is None else naive


def upload(file: UploadFile | None) -> Upload | None:
    """A file input's upload, or None when no file was chosen."""
    if file is None or not file.filename:
        return None
    content_type = file.content_type or "application/octet-stream"
    return Upload(file.filename, content_type, file.file.read())


def chosen(*files: UploadFile | None) -> bool:
    """Whether any file was chosen (a refused form cannot give it back: web.again says so)."""
    return any(f is not None and f.filename for f in files)


def uploads(files: list[UploadFile]) -> list[Upload]:
    return [u for u in (upload(f) for f in files) if u is not None]
