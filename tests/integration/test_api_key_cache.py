"""Verified API keys are remembered for speed, never past their revocation."""

from __future__ import annotations

import pytest

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.errors import UnauthenticatedError
from repairlink.services import auth


def test_a_key_used_then_revoked_is_refused_at_once(app: App, agency_id: int) -> None:
    key, secret = auth.create_api_key(
        app.uow(Actor.system(), agency_id), name="ci", role=Role.AGENT
    )
    assert auth.authenticate(app.uow(Actor.system()), secret).agency_id == agency_id
    assert auth.authenticate(app.uow(Actor.system()), secret).role is Role.AGENT  # remembered
    auth.revoke_api_key(app.uow(Actor.system(), agency_id), key.id)
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(app.uow(Actor.system()), secret)


def test_a_wrong_secret_with_a_real_prefix_is_refused(app: App, agency_id: int) -> None:
    _, secret = auth.create_api_key(app.uow(Actor.system(), agency_id), name="ci", role=Role.ADMIN)
    auth.authenticate(app.uow(Actor.system()), secret)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(app.uow(Actor.system()), forged)
