"""The API's and the way out's fixtures, for the operations tests."""

from tests.integration.api.conftest import api, http, staff  # noqa: F401
from tests.integration.outbound.conftest import (  # noqa: F401
    alto,
    channels,
    loopback_app,
    synced,
)
