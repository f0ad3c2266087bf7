"""Bounds the connectors' typed settings share (their `config.py`): an id or a secret a person
types is checked before it is saved and sent to the PMS in a header. No PMS we connect to
documents a longer one than SETTING_MAX characters, and a header that long is refused anyway."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, SecretStr, StringConstraints
from pydantic_core import PydanticCustomError

SETTING_MAX = 255


def _bounded(secret: SecretStr) -> SecretStr:
    # SecretStr's own length errors speak of "items"; these say what a str field's would
    length = len(secret.get_secret_value())
    if length == 0:
        raise PydanticCustomError("string_too_short", "String should have at least 1 character")
    if length > SETTING_MAX:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": SETTING_MAX},
        )
    return secret


# An id, a name or a reference: not blank, at most SETTING_MAX characters.
SettingText = Annotated[str, StringConstraints(min_length=1, max_length=SETTING_MAX)]
# A client secret or an API key: the same bounds, never echoed in the error.
SettingSecret = Annotated[SecretStr, AfterValidator(_bounded)]
