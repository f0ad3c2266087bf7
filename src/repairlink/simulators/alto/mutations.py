"""Upstream changes made through the admin API: edit, archive, delete, add, churn.

Every change moves the record's modified time to now, as Alto does, so a modified-from pull
sees it. Deletion does not: a deleted record simply vanishes from every list, which is what
a modified-since feed can never report and a full reconciliation must notice.
"""

from __future__ import annotations

import random
from typing import Any

from . import clock, records, vocab
from .dataset import CODE_VOCAB, SHOWCASE_DEFAULTS, AltoData
from .records import Flat
from .table import Table

KIND_ROLES: dict[str, tuple[int, ...]] = {
    "tenants": (vocab.ROLE_TENANT,),
    "landlords": (vocab.ROLE_LANDLORD, vocab.ROLE_POTENTIAL_LANDLORD),
    "suppliers": (vocab.ROLE_SUPPLIER,),
}
KINDS = ("inventory", "tenancies", *KIND_ROLES)
READ_ONLY = {"id", "createdDate", "modifiedDate", "userType", "ownerId"}


class NotFound(Exception):
    pass


class Invalid(Exception):
    pass


def table_of(data: AltoData, kind: str) -> Table:
    if kind == "inventory":
        return data.inventory
    if kind == "tenancies":
        return data.tenancies
    if kind in KIND_ROLES:
        return data.contacts
    raise NotFound(f"no such kind {kind!r}; kinds are {', '.join(KINDS)}")


def locate(data: AltoData, kind: str, record_id: int) -> int:
    table = table_of(data, kind)
    slot = table.slot_of(record_id)
    if slot is None or (kind in KIND_ROLES and table.code("role", slot) not in KIND_ROLES[kind]):
        raise NotFound(f"no {kind} record {record_id}")
    return slot


def flat_of(data: AltoData, kind: str, slot: int) -> Flat:
    if kind == "inventory":
        return records.property_flat(data, slot)
    if kind == "tenancies":
        return records.tenancy_flat(data, slot)
    return records.contact_flat(data, slot)


def edit(data: AltoData, kind: str, record_id: int, changes: dict[str, Any], now: int) -> Flat:
    slot = locate(data, kind, record_id)
    _apply(data, kind, slot, changes)
    table_of(data, kind).touch(slot, now)
    return flat_of(data, kind, slot)


def archive(data: AltoData, kind: str, record_id: int, now: int) -> Flat:
    if kind == "tenancies":
        return edit(data, kind, record_id, {"status": "Inactive", "endDate": now}, now)
    return edit(data, kind, record_id, {"archived": True}, now)


def delete(data: AltoData, kind: str, record_id: int) -> None:
    table_of(data, kind).kill(locate(data, kind, record_id))


def add(data: AltoData, kind: str, fields: dict[str, Any], now: int) -> Flat:
    """A new record: generated from the seed like the rest, then `fields` laid over it."""
    fields = dict(fields)
    if kind == "inventory":
        codes = {
            name: CODE_VOCAB[name].index(value)
            for name, value in SHOWCASE_DEFAULTS.items()
            if name != "archived"
        }
        slot = data.inventory.add(now, **codes)
    elif kind == "tenancies":
        property_id = fields.pop("propertyId", None)
        home = data.inventory.slot_of(property_id) if isinstance(property_id, int) else None
        if home is None:
            raise Invalid("a new tenancy needs the propertyId of an existing property")
        slot = data.tenancies.add(now, status=vocab.TENANCY_STATUSES.index("Active"))
        data.tenancy_property.append(home)
        data.tenancy_first_tenant.append(0)
        data.tenancy_tenant_count.append(0)
        fields.setdefault("tenantIds", [])
    else:
        role = KIND_ROLES[kind][0]
        # Seeded by the new slot, so the same additions give the same trades on every run.
        trade = random.Random(data.seed * 7919 + len(data.contacts)).randrange(
            len(vocab.LISTED_TRADES)
        )
        slot = data.contacts.add(now, role=role, trade=trade if kind == "suppliers" else 0)
        data.contact_tenancy.append(-1)
    _apply(data, kind, slot, fields)
    return flat_of(data, kind, slot)


def _apply(data: AltoData, kind: str, slot: int, changes: dict[str, Any]) -> None:
    table = table_of(data, kind)
    current = flat_of(data, kind, slot)
    overrides: dict[str, object] = {}
    for name, value in changes.items():
        if name.endswith("Date") and isinstance(value, str):
            value = clock.parse(value)
        fixed = name in READ_ONLY or (kind == "tenancies" and name == "propertyId")
        if fixed or name not in current:
            raise Invalid(f"{name!r} cannot be set on {kind}")
        if kind == "inventory" and name in CODE_VOCAB:
            table.set_code(name, slot, _vocab_code(CODE_VOCAB[name], name, value))
        elif name == "archived":
            if not isinstance(value, bool):
                raise Invalid("archived must be true or false")
            table.set_code("archived", slot, int(value))
        elif kind == "tenancies" and name == "status":
            table.set_code("status", slot, _vocab_code(vocab.TENANCY_STATUSES, name, value))
        elif kind == "tenancies" and name == "tenantIds":
            overrides[name] = _link_tenants(data, slot, value)
        elif name == "role":
            _set_role(data, kind, slot, value)
        elif name == "email" and kind in KIND_ROLES:
            table.set_code("noEmail", slot, int(value is None))
            if value is not None:
                overrides[name] = _typed(name, value, current[name] or "")
            else:
                table.overrides.get(slot, {}).pop(name, None)
        elif name == "services":
            overrides[name] = _services(value)
        else:
            overrides[name] = _typed(name, value, current[name])
    if overrides:
        table.overrides.setdefault(slot, {}).update(overrides)


def _vocab_code(values: tuple[str, ...], name: str, value: object) -> int:
    if value not in values:
        raise Invalid(f"{name} must be one of {', '.join(values)}")
    return values.index(str(value))


def _typed(name: str, value: object, current: object) -> object:
    """A new value must have the field's type (or clear it); malformed data is a fault's job."""
    if value is None or current is None:
        return value
    if isinstance(current, bool) or isinstance(value, bool):
        if type(current) is not type(value):
            raise Invalid(f"{name} must be a {type(current).__name__}")
        return value
    if isinstance(current, int | float) and isinstance(value, int | float):
        return type(current)(value)
    if type(current) is not type(value):
        raise Invalid(f"{name} must be a {type(current).__name__}")
    return value


def _services(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Invalid("services must be a list of trade names")
    return list(value)


def _set_role(data: AltoData, kind: str, slot: int, value: object) -> None:
    allowed = {vocab.ROLE_NAMES[role]: role for role in KIND_ROLES.get(kind, ())}
    if kind != "landlords" or value not in allowed:
        raise Invalid("only a landlord's role changes, between landlord and potential_landlord")
    data.contacts.set_code("role", slot, allowed[str(value)])


def _link_tenants(data: AltoData, tenancy_slot: int, value: object) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(item, int) for item in value):
        raise Invalid("tenantIds must be a list of contact ids")
    for tenant_id in value:
        slot = data.contacts.slot_of(tenant_id)
        if slot is None or data.contacts.code("role", slot) != vocab.ROLE_TENANT:
            raise Invalid(f"{tenant_id} is not a tenant")
        data.contact_tenancy[slot] = tenancy_slot
    return list(value)


def churn(data: AltoData, fraction: float, seed: int | None, now: int) -> dict[str, list[int]]:
    """Change about `fraction` of each kind's records, the same ones for the same seed."""
    if not 0.0 <= fraction <= 1.0:
        raise Invalid("fraction must be between 0 and 1")
    rng = random.Random(seed if seed is not None else data.seed * 1_000_003 + data.churns)
    data.churns += 1
    changed: dict[str, list[int]] = {}
    for name, table in (
        ("inventory", data.inventory),
        ("tenancies", data.tenancies),
        ("contacts", data.contacts),
    ):
        alive = [slot for slot in range(len(table)) if table.alive[slot]]
        chosen = rng.sample(alive, min(len(alive), round(len(alive) * fraction)))
        for slot in sorted(chosen):
            kind = name if name != "contacts" else _contact_kind(table.code("role", slot))
            edit(data, kind, table.id_of(slot), _churn_change(data, name, slot, rng), now)
        changed[name] = [table.id_of(slot) for slot in sorted(chosen)]
    return changed


def _contact_kind(role: int) -> str:
    return next(kind for kind, roles in KIND_ROLES.items() if role in roles)


def _churn_change(data: AltoData, name: str, slot: int, rng: random.Random) -> dict[str, Any]:
    pools = data.pools
    roll = rng.random()
    if name == "inventory":
        if roll < 0.5:
            return {"street": rng.choice(pools.streets), "postcode": rng.choice(pools.postcodes)}
        return {"status": rng.choice(vocab.INVENTORY_STATUSES[2:])}
    if name == "tenancies":
        status = vocab.TENANCY_STATUSES[data.tenancies.code("status", slot)]
        following = {"Active": "Periodic", "Periodic": "Inactive"}.get(status)
        return {"status": following} if following else {"rent": float(rng.randrange(650, 3500, 25))}
    if roll < 0.4:
        return {"mobile": rng.choice(pools.mobiles)}
    if roll < 0.7 and not data.contacts.code("noEmail", slot):
        return {"email": f"moved.{data.contacts.id_of(slot)}.{rng.randrange(10**6)}@example.co.uk"}
    if roll < 0.97:
        return {"surname": rng.choice(pools.surnames)}
    return {"archived": True}
