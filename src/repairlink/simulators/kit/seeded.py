"""Deriving a record's content from the seed instead of storing it.

Each record gets its own `random.Random` seeded by (data seed, kind, slot), so the same record
reads the same on every request and in every run with the same seed, without being kept.
"""

from __future__ import annotations

import random


def record_rng(seed: int, kind_no: int, slot: int) -> random.Random:
    """The generator of one record; `kind_no` (a small number per kind) keeps kinds apart."""
    return random.Random((seed * 8 + kind_no) * (1 << 32) + slot)


def guid(rng: random.Random) -> str:
    """A random (version 4) GUID, spelled by hand: uuid.UUID costs more than the record."""
    digits = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"


def pick(
    rng: random.Random, weighted: tuple[tuple[str, float], ...], values: tuple[str, ...]
) -> int:
    """The code (index in `values`) of a name drawn by weight."""
    names = [name for name, _ in weighted]
    weights = [weight for _, weight in weighted]
    return values.index(rng.choices(names, weights)[0])
