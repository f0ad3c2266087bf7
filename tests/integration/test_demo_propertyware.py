"""The US demo agency `make run` seeds: American English, Pacific time (the make-run test in
test_cli.py proves it is served, connected to Propertyware and synced)."""

from __future__ import annotations

from repairlink.bootstrap import App
from repairlink.demo_propertyware import seed_us_agency
from repairlink.store.tables import agencies
from tests.integration.sync.conftest import row


def test_the_us_demo_agency_writes_dollars_and_pacific_time(app: App) -> None:
    agency_id = seed_us_agency(app)
    assert seed_us_agency(app) == agency_id  # made once
    agency = row(app, agencies, agency_id)
    assert (agency["locale"], agency["time_zone"]) == ("en_US", "America/Los_Angeles")
