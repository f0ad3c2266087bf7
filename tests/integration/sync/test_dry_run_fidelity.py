"""S-07: a dry run makes exactly the real run's decisions. Over several seeds of generated and
then churned Alto data, the changes a dry run lists equal the changes the real run after it
writes (its audit trail), record by record and field by field."""

from __future__ import annotations

import pytest

from repairlink.bootstrap import App
from repairlink.jobs.sync_run import connect
from repairlink.simulators.alto import running_alto
from tests.integration.sync.changes import audited, planned
from tests.integration.sync.conftest import settings_for, sync


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_s_07_a_dry_run_lists_what_the_real_run_then_writes(
    app: App, agency_id: int, seed: int
) -> None:
    with running_alto(seed=seed, units=60) as alto:
        connect(app, agency_id, "alto", settings_for(alto))
        first_dry = sync(app, agency_id, full=True, dry_run=True)
        first = sync(app, agency_id, full=True)
        assert planned(app, agency_id, first_dry.run_id) == audited(app, agency_id, first.run_id)
        alto.admin("POST", "churn", {"fraction": 0.2, "seed": seed})
        dry = sync(app, agency_id, dry_run=True)
        foreseen = planned(app, agency_id, dry.run_id)
        real = sync(app, agency_id)
        assert foreseen == audited(app, agency_id, real.run_id)
        assert {action for _kind, _record, action, _changes in foreseen} >= {"update"}
