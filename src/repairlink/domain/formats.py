"""Money, dates and times as the agency's people read them: in its locale and time zone (a UK
agency writes 03/12/2026 09:05 and £1,234.50; a US one 12/3/2026 9:05 AM and $1,234.50), with
Babel, so no page or message spells a format of its own. The console and the mail both use it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import phonenumbers
from babel import Locale
from babel.dates import format_date, format_time, get_date_format
from babel.numbers import format_currency, format_decimal, get_territory_currencies

NONE = "—"


@cache
def _date_pattern(locale: str) -> str:
    """The locale's short date with the year in full (dd/MM/y in the UK, M/d/y in the US)."""
    pattern = get_date_format("short", locale=locale).pattern
    return pattern if "yyyy" in pattern else pattern.replace("yy", "y")


@cache
def _currency(locale: str) -> str:
    territory = Locale.parse(locale).territory or "GB"
    return (get_territory_currencies(territory) or ["GBP"])[0]


@dataclass(frozen=True)
class Formats:
    locale: str = "en_GB"
    time_zone: str = "Europe/London"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def currency(self) -> str:
        return _currency(self.locale)

    @property
    def currency_symbol(self) -> str:
        return str(Locale.parse(self.locale).currency_symbols.get(self.currency, self.currency))

    def local(self, value: datetime) -> datetime:
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(self.zone)

    def day(self, value: date | datetime | None) -> str:
        if value is None:
            return NONE
        if isinstance(value, datetime):
            value = self.local(value)
        return format_date(value, _date_pattern(self.locale), locale=self.locale)

    def time(self, value: datetime | None) -> str:
        if value is None:
            return NONE
        return format_time(self.local(value), "short", locale=self.locale)

    def when(self, value: datetime | None) -> str:
        if value is None:
            return NONE
        return f"{self.day(value)} {self.time(value)}"

    def in_words(self, value: datetime | None) -> str:
        """A date and time as a letter writes it: 'Monday, 4 March 2030 at 10:30' for a UK
        agency, 'Monday, March 4, 2030 at 10:30 AM' for a US one ('' for none)."""
        if value is None:
            return ""
        local = self.local(value)
        day = format_date(local, "full", locale=self.locale)
        return f"{day} at {format_time(local, 'short', locale=self.locale)}"

    def money(self, minor: int | None) -> str:
        """Pence (or cents) -> '£1,234.50'."""
        if minor is None:
            return NONE
        return format_currency(Decimal(minor) / 100, self.currency, locale=self.locale)

    def phone(self, value: str | None) -> str:
        """'+447700900123' -> '07700 900123' for a UK agency; other countries' numbers in the
        international form."""
        if not value:
            return NONE
        try:
            parsed = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            return value
        home = parsed.country_code == phonenumbers.country_code_for_region(self.territory)
        style = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if home
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return str(phonenumbers.format_number(parsed, style))

    @property
    def tax(self) -> str:
        """The tax on costs, as a label: 'VAT' where the agency is in the UK, 'Tax' elsewhere
        (a US agency's sales tax). Every page, mail and PDF takes it from here."""
        return "VAT" if self.territory == "GB" else "Tax"

    @property
    def tax_word(self) -> str:
        """The same in a sentence: 'VAT included', 'tax included'."""
        return "VAT" if self.territory == "GB" else "tax"

    @property
    def territory(self) -> str:
        return Locale.parse(self.locale).territory or "GB"

    def number(self, value: int | None) -> str:
        return NONE if value is None else format_decimal(value, locale=self.locale)

    def counted(self, count: int, one: str, many: str = "") -> str:
        """'1 problem', '2 problems', '1,000 rows': the count written, and its noun."""
        return f"{self.number(count)} {plural(count, one, many)}"


def plural(count: int, one: str, many: str = "") -> str:
    """The noun for `count` of it: `one` for 1, else `many` (by default `one` + 's')."""
    return one if count == 1 else many or f"{one}s"


UK = Formats()
LOCALES = {"en_GB": "English (United Kingdom)", "en_US": "English (United States)"}
