"""Value objects: postal address, phone, email, money. Each validates on the way in."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from repairlink.errors import InvalidError

_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2})$")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Text no database stores alike (PostgreSQL refuses NUL; SQLite keeps it, and every list would
# show it): NUL and the other control characters. Tab, line feed and carriage return are text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_postcode(raw: str) -> str:
    """'sw1a1aa' -> 'SW1A 1AA'. Rejects anything that is not a UK postcode shape."""
    compact = re.sub(r"\s+", "", raw).upper()
    if not _POSTCODE.match(compact):
        raise InvalidError(
            "address.postcode_invalid", f"'{raw}' is not a UK postcode", field="postcode"
        )
    return f"{compact[:-3]} {compact[-3:]}"


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str = ""
    line3: str = ""
    town: str = ""
    county: str = ""
    postcode: str = ""
    flat: str = ""
    country: str = "GB"

    @classmethod
    def create(cls, **parts: str) -> Address:
        clean = {k: " ".join((v or "").split()) for k, v in parts.items()}
        if not clean.get("line1"):
            raise InvalidError(
                "address.line1_required", "Address line 1 is required", field="line1"
            )
        country = (clean.get("country") or "GB").upper()
        clean["country"] = country
        if country == "GB" and clean.get("postcode"):
            clean["postcode"] = normalise_postcode(clean["postcode"])
        return cls(**clean)

    @property
    def key(self) -> str:
        """One normalised form for exact matching (AL-09, H-06): case, spacing, punctuation fold."""
        parts = [self.flat, self.line1, self.line2, self.line3, self.town, self.postcode]
        return "|".join(_NOT_WORD.sub(" ", p.lower()).strip() for p in parts)

    def one_line(self) -> str:
        parts = [self.flat, self.line1, self.line2, self.line3, self.town, self.county]
        return ", ".join(p for p in [*parts, self.postcode] if p)


_UK_NATIONAL = re.compile(r"^0[0-9]{10}$")
_UK_E164 = re.compile(r"^\+44[0-9]{10}$")
_PHONE_PUNCTUATION = re.compile(r"[\s().-]")
# North American numbers (a US agency's, PW): an area code never starts with 0 or 1, so ten
# digits so spelled, after an optional national prefix 1 or +1, are a possible number as
# phonenumbers reads them (and as cheaply as the UK case)
_NANP = re.compile(r"^(?:\+?1)?([2-9][0-9]{9})$")


def normalise_phone(raw: str, *, field: str = "phone", region: str = "GB") -> str:
    """Any reasonable spelling of a number -> E.164 ('+447700900123')."""
    compact = _PHONE_PUNCTUATION.sub("", raw)
    if region == "GB" and _UK_NATIONAL.match(compact):  # the common case, 50x cheaper
        return f"+44{compact[1:]}"
    if _UK_E164.match(compact):
        return compact
    if region == "US" and (nanp := _NANP.match(compact)):
        return f"+1{nanp[1]}"
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidError("phone.invalid", f"'{raw}' is not a phone number", field=field) from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidError("phone.invalid", f"'{raw}' is not a phone number", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Plain ASCII addresses on ordinary domains: accepted as email_validator would, 40x faster.
# A label with "--" in its third and fourth places (reserved for Punycode, "xn--") is left to
# email_validator.
_PLAIN_EMAIL = re.compile(
    r"^[a-z0-9](?:[a-z0-9_+-]|\.(?!\.)){0,62}(?<!\.)@"
    r"(?:(?![a-z0-9]{2}--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?!(?:test|local|localhost|invalid|onion|arpa|"
    r"example|home|lan|internal|alt)$)[a-z]{2,24}$"
)


def normalise_email(raw: str, *, field: str = "email") -> str:
    """Validated and lower-cased, so that matching by email (AL-09) is exact."""
    lowered = raw.strip().lower()
    if len(lowered) <= 254 and _PLAIN_EMAIL.match(lowered):
        return lowered
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidError(
            "email.invalid", f"'{raw}' is not an email address: {exc}", field=field
        ) from exc
    return result.normalized.lower()


# The most any single amount coming in may be, in pence or cents (10,000,000.00): far above any
# repair, and it keeps net + VAT inside the 32-bit integer columns amounts are stored in.
MAX_PENCE = 1_000_000_000
MAX_AMOUNT = f"{MAX_PENCE // 100:,}.{MAX_PENCE % 100:02d}"


@dataclass(frozen=True)
class Money:
    """An amount in pence: net + VAT = gross, never negative."""

    net: int
    vat: int
    gross: int

    def __post_init__(self) -> None:
        # Built directly (not through `of`), the same rules hold: a Money is never broken.
        self.check(self.net, self.vat, self.gross, field="costs")

    @staticmethod
    def check(net: int, vat: int, gross: int, *, field: str) -> None:
        if net < 0 or vat < 0:
            raise InvalidError("money.negative", "Amounts cannot be negative", field=field)
        if gross != net + vat:
            raise InvalidError(
                "money.gross_mismatch",
                f"Gross {gross} must equal net {net} + VAT {vat}",
                field=f"{field}.gross",
            )

    @classmethod
    def of(cls, *, net: int, vat: int, gross: int | None = None, field: str = "costs") -> Money:
        """An amount coming in. Only here is the maximum checked: a row stored before it was
        set must still read."""
        total = net + vat if gross is None else gross
        cls.check(net, vat, total, field=field)
        if max(net, vat, total) > MAX_PENCE:
            raise InvalidError(
                "money.too_large",
                f"An amount (net, VAT or their total) cannot be more than {MAX_AMOUNT}",
                field=field,
            )
        return cls(net, vat, total)

    def pounds(self) -> str:
        return f"£{self.gross // 100:,}.{self.gross % 100:02d}"
