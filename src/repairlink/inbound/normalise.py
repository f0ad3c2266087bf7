"""Normalising an incoming record's values exactly as the platform's own forms do, so that a
synced email, phone or address matches (AL-09) and a bad one is quarantined (S-04)."""

from __future__ import annotations

from repairlink.domain.places import ADDRESS_FIELDS
from repairlink.domain.values import Address
from repairlink.pms.incoming import Incoming
from repairlink.services.people_and_places import clean


def prepare(record: Incoming, region: str = "GB") -> Incoming:
    """The record itself, its fields replaced by their normalised forms (`region`: the
    agency's, where a phone is written without its country)."""
    fields = clean(record.fields, region=region)
    if record.kind == "unit":
        address = Address.create(**{n: fields.get(n) or "" for n in ADDRESS_FIELDS})
        fields.update({n: getattr(address, n) for n in ADDRESS_FIELDS})
        fields["address_key"] = address.key
    record.fields = fields
    return record
