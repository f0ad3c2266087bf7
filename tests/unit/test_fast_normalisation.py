"""The fast paths for phones and emails agree with the full libraries they short-cut."""

from __future__ import annotations

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given
from hypothesis import strategies as st

from repairlink.domain.values import _PLAIN_EMAIL, normalise_email, normalise_phone
from repairlink.errors import InvalidError


@given(st.from_regex(r"0[1-9]\d{9}", fullmatch=True), st.sampled_from(["", " ", "-", "()"]))
def test_uk_numbers_match_phonenumbers(digits: str, punctuation: str) -> None:
    spelled = (
        f"{digits[:4]}{punctuation}{digits[4:]}"
        if punctuation != "()"
        else f"({digits[:3]}) {digits[3:]}"
    )
    expected = phonenumbers.format_number(
        phonenumbers.parse(spelled, "GB"), phonenumbers.PhoneNumberFormat.E164
    )
    assert normalise_phone(spelled) == expected


NANP_SPELLINGS = [
    "{d}",
    "1{d}",
    "+1{d}",
    "({a}) {b}-{c}",
    "{a}.{b}.{c}",
    "+1 {a} {b} {c}",
    "1-{a}-{b}-{c}",
]


@given(st.from_regex(r"\d{10}", fullmatch=True), st.sampled_from(NANP_SPELLINGS))
@example("2015550123", "({a}) {b}-{c}")
@example("0123456789", "{d}")  # no area code starts with 0 or 1: left to phonenumbers
def test_us_numbers_match_phonenumbers(digits: str, spelling: str) -> None:
    """A US agency's numbers (Propertyware's residents) take a fast path where phonenumbers
    would find them possible, with its answer; any other spelling goes to phonenumbers."""
    spelled = spelling.format(d=digits, a=digits[:3], b=digits[3:6], c=digits[6:])
    try:
        parsed = phonenumbers.parse(spelled, "US")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        with pytest.raises(InvalidError):
            normalise_phone(spelled, region="US")
        return
    expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    assert normalise_phone(spelled, region="US") == expected


LOCAL = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,20}", fullmatch=True)
DOMAIN = st.from_regex(
    r"[a-z0-9]{1,10}(\.[a-z0-9-]{1,10}){0,2}\.(com|co\.uk|org|io|test|local)", fullmatch=True
)


@given(LOCAL, DOMAIN)
@example("0", "0.00--0.com")  # "--" in a label's 3rd and 4th places: Punycode's, refused
def test_the_fast_email_path_accepts_only_what_email_validator_accepts(
    local: str, domain: str
) -> None:
    address = f"{local}@{domain}"
    if not _PLAIN_EMAIL.match(address.lower()):
        return
    validated = validate_email(address, check_deliverability=False).normalized.lower()
    assert normalise_email(address) == validated


@pytest.mark.parametrize("address", ["a..b@x.com", "a@x.test", "user@localhost", "a.@x.com"])
def test_addresses_the_fast_path_refuses_still_get_a_proper_answer(address: str) -> None:
    with pytest.raises(InvalidError) as caught:
        normalise_email(address)
    assert caught.value.field == "email"
    with pytest.raises(EmailNotValidError):
        validate_email(address, check_deliverability=False)
