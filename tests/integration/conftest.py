"""Fixtures shared by the integration tests' folders: the Propertyware simulator."""

from __future__ import annotations

from tests.integration.pw import pw

__all__ = ["pw"]
