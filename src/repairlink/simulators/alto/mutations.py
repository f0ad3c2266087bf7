"""Alto's records as the admin API changes them (`kit.records`): its kinds, the fields that
are more than a value (a tenancy's tenants, a landlord's role, an email's absence), new
records generated like the rest, and churn.
"""

from __future__ import annotations

import random
from typing import Any

from ..kit import clock
from ..kit.errors import BadRequest
from ..kit.records import KEEP_NO_OVERRIDE, Flat, Kind, TableRecords
from . import content, vocab
from .dataset import CODE_VOCAB, SHOWCASE_DEFAULTS, AltoData

KIND_ROLES: dict[str, tuple[int, ...]] = {
    "tenants": (vocab.ROLE_TENANT,),
    "landlords": (vocab.ROLE_LANDLORD, vocab.ROLE_POTENTIAL_LANDLORD),
    "suppliers": (vocab.ROLE_SUPPLIER,),
}


def _kinds(data: AltoData) -> dict[str, Kind]:
    role = data.contacts.codes["role"]

    def contact(roles: tuple[int, ...]) -> Kind:
        return Kind(
            data.contacts,
            lambda slot: content.contact_flat(data, slot),
            read_only=frozenset({"userType"}),
            belongs=lambda slot: role[slot] in roles,
        )

    return {
        "inventory": Kind(
            data.inventory,
            lambda slot: content.property_flat(data, slot),
            CODE_VOCAB,
            frozenset({"ownerId"}),
        ),
        "tenancies": Kind(
            data.tenancies,
            lambda slot: content.tenancy_flat(data, slot),
            {"status": vocab.TENANCY_STATUSES},
            frozenset({"propertyId"}),
        ),
        **{kind: contact(roles) for kind, roles in KIND_ROLES.items()},
    }


class AltoRecords(TableRecords):
    def __init__(self, data: AltoData) -> None:
        super().__init__(_kinds(data))
        self.data = data

    def view(self, flat: Flat) -> Flat:
        """Times in Alto's format, and the raw modified ms alongside."""
        out = dict(flat)
        for key, value in flat.items():
            if key.endswith("Date") and isinstance(value, int):
                out[key] = clock.to_dotnet(value)
        out["modifiedMs"] = flat["modifiedDate"]
        return out

    def archive(self, kind: str, record_id: int, now_ms: int) -> Flat:
        if kind == "tenancies":
            return self.edit(kind, record_id, {"status": "Inactive", "endDate": now_ms}, now_ms)
        return super().archive(kind, record_id, now_ms)

    def special(self, kind: str, slot: int, key: str, value: object, current: Flat) -> object:
        data = self.data
        if kind == "tenancies" and key == "tenantIds":
            return _link_tenants(data, slot, value)
        if key == "role":
            _set_role(data, kind, slot, value)
            return KEEP_NO_OVERRIDE
        if key == "email" and value is None:
            data.contacts.set_code("noEmail", slot, 1)
            data.contacts.overrides.get(slot, {}).pop(key, None)
            return KEEP_NO_OVERRIDE
        if key == "email":
            data.contacts.set_code("noEmail", slot, 0)
            return super().special(kind, slot, key, value, {key: current[key] or ""})
        if key == "services":
            return _services(value)
        return super().special(kind, slot, key, value, current)

    def add(self, kind: str, fields: dict[str, Any], now_ms: int) -> Flat:
        """A new record: generated from the seed like the rest, then `fields` laid over it."""
        self.kind(kind)  # an unknown kind is a 404 before anything is added
        fields = dict(fields)
        if kind == "tenancies":
            fields.setdefault("tenantIds", [])
            slot = _add_tenancy(self.data, fields.pop("propertyId", None), now_ms)
        else:
            slot = _add(self.data, kind, now_ms)
        self.apply(kind, slot, fields)
        return self.view(self.kind(kind).flat(slot))

    def churn(self, fraction: float, seed: int | None, now_ms: int) -> dict[str, list[int]]:
        """Change about `fraction` of each kind's records, the same ones for the same seed."""
        data = self.data
        rng = random.Random(seed if seed is not None else data.seed * 1_000_003 + data.churns)
        data.churns += 1
        changed: dict[str, list[int]] = {}
        for name, table in (
            ("inventory", data.inventory),
            ("tenancies", data.tenancies),
            ("contacts", data.contacts),
        ):
            alive = [slot for slot in range(len(table)) if table.alive[slot]]
            chosen = sorted(rng.sample(alive, min(len(alive), round(len(alive) * fraction))))
            for slot in chosen:
                kind = name if name != "contacts" else _contact_kind(table.code("role", slot))
                self.edit(kind, table.id_of(slot), _churn_change(data, name, slot, rng), now_ms)
            changed[name] = [table.id_of(slot) for slot in chosen]
        return changed


def _add(data: AltoData, kind: str, now: int) -> int:
    if kind == "inventory":
        defaults = SHOWCASE_DEFAULTS.items()
        codes = {
            name: CODE_VOCAB[name].index(str(value))
            for name, value in defaults
            if name != "archived"
        }
        return data.inventory.add(now, **codes)
    # Seeded by the new slot, so the same additions give the same trades on every run.
    trade = random.Random(data.seed * 7919 + len(data.contacts)).randrange(len(vocab.LISTED_TRADES))
    slot = data.contacts.add(
        now, role=KIND_ROLES[kind][0], trade=trade if kind == "suppliers" else 0
    )
    data.contact_tenancy.append(-1)
    return slot


def _add_tenancy(data: AltoData, property_id: object, now: int) -> int:
    home = data.inventory.slot_of(property_id) if isinstance(property_id, int) else None
    if home is None:
        raise BadRequest("a new tenancy needs the propertyId of an existing property")
    slot = data.tenancies.add(now, status=vocab.TENANCY_STATUSES.index("Active"))
    data.tenancy_property.append(home)
    data.tenancy_first_tenant.append(0)
    data.tenancy_tenant_count.append(0)
    return slot


def _services(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadRequest("services must be a list of trade names")
    return list(value)


def _set_role(data: AltoData, kind: str, slot: int, value: object) -> None:
    allowed = {vocab.ROLE_NAMES[role]: role for role in KIND_ROLES.get(kind, ())}
    if kind != "landlords" or value not in allowed:
        raise BadRequest("only a landlord's role changes, between landlord and potential_landlord")
    data.contacts.set_code("role", slot, allowed[str(value)])


def _link_tenants(data: AltoData, tenancy_slot: int, value: object) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(item, int) for item in value):
        raise BadRequest("tenantIds must be a list of contact ids")
    for tenant_id in value:
        slot = data.contacts.slot_of(tenant_id)
        if slot is None or data.contacts.code("role", slot) != vocab.ROLE_TENANT:
            raise BadRequest(f"{tenant_id} is not a tenant")
        data.contact_tenancy[slot] = tenancy_slot
    return list(value)


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
