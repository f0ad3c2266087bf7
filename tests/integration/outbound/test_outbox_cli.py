"""S-01 and PW-10 from the command line: dead letters listed and replayed, and a clear refusal
to run the distributed worker without PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from repairlink.bootstrap import build
from repairlink.services import agencies
from repairlink.settings import Settings
from repairlink.store.outbound_tables import deliveries
from repairlink.webhooks import subscriptions
from tests.factories import make_issue
from tests.integration.test_cli import _env, _run


def test_s_01_dead_letters_are_listed_and_replayed_from_the_cli(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    assert _run(tmp_path, "agency", "create", "--name", "Acme", "--slug", "acme").returncode == 0
    env = _env(tmp_path)
    app = build(Settings(database_url=env["REPAIRLINK_DATABASE_URL"], files_dir=tmp_path))
    try:
        from repairlink.domain.actors import Actor, ActorKind
        from repairlink.domain.agency import Role
        from repairlink.services.auth import Principal

        agency = agencies.find_by_slug(app.uow(Actor.system()), "acme")
        who = Principal(agency.id, Role.ADMIN, None, Actor(ActorKind.USER, 1, "cli-test"))
        subscriptions.subscribe(
            app.uow(who.actor, agency.id),
            url="http://127.0.0.1:9/hooks",
            event_types=["*"],
            description="",
            allow_private=True,
        )
        make_issue(app, who, title="Damp in the bedroom")
        with app.engine.begin() as conn:  # as 72 hours of failures would leave it
            conn.execute(sa.update(deliveries).values(state="dead", last_error="refused"))
    finally:
        app.close()

    listed = _run(tmp_path, "outbox", "list", "--agency", "acme", "--state", "dead")
    assert listed.returncode == 0, listed.stderr
    assert "issue.created" in listed.stdout
    assert "refused" in listed.stdout
    replayed = _run(tmp_path, "outbox", "replay-dead", "--agency", "acme")
    assert replayed.returncode == 0, replayed.stderr
    assert "1 dead letter(s) due again now" in replayed.stdout
    pending = _run(tmp_path, "outbox", "list", "--agency", "acme", "--state", "pending")
    assert "issue.created" in pending.stdout


def test_the_worker_refuses_sqlite_in_one_clear_line(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    result = _run(tmp_path, "worker")
    assert result.returncode == 1
    assert result.stderr.startswith("error:")
    assert "needs PostgreSQL" in result.stderr
    assert "[REPAIRLINK_DATABASE_URL]" in result.stderr
    assert "Traceback" not in result.stderr
