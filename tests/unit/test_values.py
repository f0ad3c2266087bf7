"""Value objects, no I/O: postcodes, addresses, phones, emails, money."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repairlink.domain.values import (
    MAX_PENCE,
    Address,
    Money,
    normalise_email,
    normalise_phone,
    normalise_postcode,
)
from repairlink.errors import InvalidError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("m11ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("cr26xh", "CR2 6XH"),
        ("dn551pt", "DN55 1PT"),
        ("w1a0ax", "W1A 0AX"),
        ("ec1a 1bb", "EC1A 1BB"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_postcode_is_normalised_to_its_one_spelling(raw: str, expected: str) -> None:
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "SW1A", "12345", "SW1A 1A", "SW1A-1AA", "1AA SW1A", "ZZZZ 1AA", "SW1A 1AAA"]
)
def test_invalid_postcode_is_refused_naming_the_postcode_field(raw: str) -> None:
    with pytest.raises(InvalidError) as err:
        normalise_postcode(raw)
    assert err.value.field == "postcode"
    assert err.value.code == "address.postcode_invalid"


def test_address_create_normalises_postcode_and_refuses_a_bad_one() -> None:
    assert Address.create(line1="1 High St", postcode="sw1a1aa").postcode == "SW1A 1AA"
    with pytest.raises(InvalidError) as err:
        Address.create(line1="1 High St", postcode="not a postcode")
    assert err.value.field == "postcode"


def test_address_outside_gb_keeps_its_postcode() -> None:
    address = Address.create(line1="1 Main St", postcode="94103", country="us")
    assert (address.country, address.postcode) == ("US", "94103")


def test_address_requires_line1() -> None:
    with pytest.raises(InvalidError) as err:
        Address.create(line1="   ", postcode="SW1A 1AA")
    assert err.value.field == "line1"


def test_address_key_is_equal_for_the_same_address_spelled_differently() -> None:
    spellings = [
        Address.create(flat="Flat 2", line1="10 High Street", town="London", postcode="SW1A 1AA"),
        Address.create(flat="flat 2", line1="10, High Street.", town="LONDON", postcode="sw1a1aa"),
        Address.create(
            flat="FLAT  2", line1=" 10  high street ", town="london", postcode="Sw1A1aA"
        ),
        Address.create(flat="Flat-2", line1="10 High-Street", town="London,", postcode="SW1A1AA"),
    ]
    assert len({a.key for a in spellings}) == 1


def test_address_key_differs_for_different_addresses() -> None:
    base = {"line1": "10 High Street", "town": "London", "postcode": "SW1A 1AA"}
    keys = {
        Address.create(**base).key,
        Address.create(**{**base, "flat": "Flat 1"}).key,
        Address.create(**{**base, "flat": "Flat 2"}).key,
        Address.create(**{**base, "line1": "12 High Street"}).key,
        Address.create(**{**base, "postcode": "SW1A 2AA"}).key,
    }
    assert len(keys) == 5


def test_address_one_line() -> None:
    address = Address.create(flat="Flat 2", line1="10 High St", town="London", postcode="sw1a1aa")
    assert address.one_line() == "Flat 2, 10 High St, London, SW1A 1AA"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07700 900123", "+447700900123"),
        ("07700900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("020 7946 0958", "+442079460958"),
        ("(020) 7946-0958", "+442079460958"),
        ("+1 415 555 2671", "+14155552671"),
    ],
)
def test_phone_is_normalised_to_e164(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "123", "+44 12"])
def test_invalid_phone_is_refused_naming_its_field(raw: str) -> None:
    with pytest.raises(InvalidError) as err:
        normalise_phone(raw, field="phone2")
    assert err.value.field == "phone2"
    assert err.value.code == "phone.invalid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Olive@Example.COM", "olive@example.com"),
        ("  olive.smith@example.co.uk ", "olive.smith@example.co.uk"),
        ("OLIVE+LET@EXAMPLE.COM", "olive+let@example.com"),
    ],
)
def test_email_is_validated_and_lower_cased(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "olive", "olive@", "@example.com", "olive@@example.com"])
def test_invalid_email_is_refused_naming_its_field(raw: str) -> None:
    with pytest.raises(InvalidError) as err:
        normalise_email(raw, field="contact_email")
    assert err.value.field == "contact_email"
    assert err.value.code == "email.invalid"


def test_money_gross_is_net_plus_vat() -> None:
    assert Money.of(net=10000, vat=2000) == Money(10000, 2000, 12000)
    assert Money.of(net=10000, vat=2000, gross=12000).gross == 12000
    assert Money.of(net=0, vat=0).gross == 0


def test_money_refuses_a_gross_that_is_not_net_plus_vat() -> None:
    with pytest.raises(InvalidError) as err:
        Money.of(net=10000, vat=2000, gross=12001)
    assert err.value.code == "money.gross_mismatch"
    assert err.value.field == "costs.gross"


@pytest.mark.parametrize(("net", "vat"), [(-1, 0), (0, -1), (-500, -100)])
def test_money_refuses_negative_amounts(net: int, vat: int) -> None:
    with pytest.raises(InvalidError) as err:
        Money.of(net=net, vat=vat, field="amount")
    assert err.value.code == "money.negative"
    assert err.value.field == "amount"


@pytest.mark.parametrize(("net", "vat"), [(MAX_PENCE + 1, 0), (0, MAX_PENCE + 1), (MAX_PENCE, 1)])
def test_money_coming_in_refuses_more_than_the_maximum(net: int, vat: int) -> None:
    with pytest.raises(InvalidError) as err:
        Money.of(net=net, vat=vat, field="amount")
    assert (err.value.code, err.value.field) == ("money.too_large", "amount")
    assert Money.of(net=MAX_PENCE, vat=0).gross == MAX_PENCE


@pytest.mark.parametrize(("net", "vat", "gross"), [(-1, 0, -1), (100, 20, 121), (0, -5, -5)])
def test_money_cannot_be_built_broken_even_directly(net: int, vat: int, gross: int) -> None:
    with pytest.raises(InvalidError):
        Money(net, vat, gross)


@given(
    net=st.integers(min_value=0, max_value=MAX_PENCE // 2),
    vat=st.integers(min_value=0, max_value=MAX_PENCE // 2),
)
def test_money_always_balances(net: int, vat: int) -> None:
    money = Money.of(net=net, vat=vat)
    assert money.net + money.vat == money.gross
    assert money.pounds().startswith("£")


def test_money_in_pounds() -> None:
    assert Money.of(net=100000, vat=23456).pounds() == "£1,234.56"
    assert Money.of(net=5, vat=0).pounds() == "£0.05"
