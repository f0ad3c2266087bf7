"""A run remembers the linked records it found we do not hold (`inbound/page_refs.py`): a
unit it skipped is not looked up again for each of its tenants and tenancies, and one it
creates later in the run is found by the links that come after. A first sync looks up only
the references it has made itself: no record can bear one it has not."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.inbound import lookup, reports
from repairlink.inbound.apply import RunContext
from repairlink.inbound.held import RunWrites
from repairlink.inbound.page import PageWriter
from repairlink.inbound.ready_page import make_ready
from repairlink.jobs.sync_run import _engine, run_sync
from repairlink.pms.retry import RetryPolicy
from repairlink.simulators.alto.server import RunningAlto
from repairlink.store import tables
from tests.integration.sync.conftest import held


@dataclass
class Asked:
    keys: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, PMS id) -> times
    statements: int = 0
    values: set[tuple[str, str, Any]] = field(default_factory=set)  # (kind, column, value)


def _asked(monkeypatch: pytest.MonkeyPatch) -> Asked:
    """What the run asked the database for references: each key, and in how many look-ups
    (those by email or address included: they share the look-up's statement)."""
    asked = Asked()
    real = lookup.refs_and_matches

    def counted(
        conn: Any,
        agency_id: int,
        system: str,
        wanted: Mapping[str, Collection[str]],
        matches: Mapping[lookup.MatchKey, Collection[Any]],
    ) -> tuple[lookup.Found, lookup.Matches]:
        asked.keys.update((kind, e) for kind, exts in wanted.items() for e in exts)
        asked.values.update((*key, v) for key, values in matches.items() for v in values)
        asked.statements += any(wanted.values()) or any(matches.values())
        return real(conn, agency_id, system, wanted, matches)

    monkeypatch.setattr(lookup, "refs_and_matches", counted)
    return asked


def test_a_unit_the_run_skipped_is_not_looked_up_again_for_its_tenants(
    app: App, connected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A portfolio synced before: its kinds bear references, so its records are looked up."""
    retry = RetryPolicy(sleep=lambda _s: None)
    run_sync(app, connected, "alto", full=True, retry=retry)
    asked = _asked(monkeypatch)
    pages: list[str] = []
    state = run_sync(
        app,
        connected,
        "alto",
        full=True,
        progress=lambda stream, _size, _counts: pages.append(stream),
        retry=retry,
    )
    uow = app.uow(Actor.system(), connected)
    skipped = reports.skipped(uow, state.run_id, kind="unit", limit=1_000).items
    tenancies = reports.skipped(uow, state.run_id, kind="tenancy", limit=1_000).items
    at_skipped = [t for t in tenancies if "property that does not sync" in t["reason"]]
    assert skipped, "the seed has properties that do not sync"
    assert at_skipped, "and tenancies at them"
    # each skipped unit was asked for once, on its own page: its tenants' and tenancies'
    # links to it found it absent without asking
    assert {asked.keys[("unit", s["external_id"])] for s in skipped} == {1}
    # a page's references and its links' in one look-up (a tenancies page: three before)
    assert "tenancies" in pages
    assert asked.statements <= len(pages)
    assert held(app, connected, "tenancy"), "the tenancies at synced properties arrived"


def test_a_first_sync_looks_up_only_the_references_it_has_made(
    app: App, connected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every kind is new to a first sync: its records are not looked up, but a link to a unit
    the run created pages before (its reference inserted already: a page's worth held at
    most) is, and finds it; the next run finds every record the first made. A new agency's
    tables are empty too: AL-09 asks only for the emails and addresses the run has written."""
    monkeypatch.setattr(RunWrites, "MOST", 1)  # each page's references go before the next
    asked = _asked(monkeypatch)
    retry = RetryPolicy(sleep=lambda _s: None)
    first = run_sync(app, connected, "alto", full=True, retry=retry)

    units, tenancies = held(app, connected, "unit"), held(app, connected, "tenancy")
    assert tenancies, "tenancies at synced properties arrived"
    assert first.counts["tenancy"]["created"] == len(tenancies)
    asked_kinds = {kind for kind, _ in asked.keys}
    assert asked_kinds == {"unit"}  # the tenancies' and unit landlords' links to units made
    assert {e for kind, e in asked.keys if kind == "unit"} <= set(units)
    with app.engine.connect() as conn:
        linked = conn.execute(
            sa.select(sa.func.count()).where(tables.tenancies.c.unit_id.in_(units.values()))
        ).scalar()
    assert linked == len(tenancies)
    # no two of the seed's people share an email, nor two of its units an address: nothing
    # the run wrote could match a later record (test_alto_inbound's AL-09 tests: those that
    # do are merged, within a page and across pages)
    assert not asked.values

    again = run_sync(app, connected, "alto", full=True, retry=retry)
    assert all(counts.get("created", 0) == 0 for counts in again.counts.values())
    assert held(app, connected, "tenancy") == tenancies


def test_a_unit_created_after_a_link_found_it_absent_is_found_by_the_next_link(
    app: App, connected: int, alto: RunningAlto
) -> None:
    """Pages in an order no Alto run reads them (tenancies before their properties), as a
    pushed run or a record moved between pages can: a link that found no unit must find the
    unit once the run has created it."""
    engine = _engine(app, connected, "alto", None, None)
    state = engine.begin(full=True)
    ctx = RunContext(state.run_id, connected, "alto", datetime.now(UTC), "test")
    writer = PageWriter(engine.profile, engine.config, connected)
    connector = engine.connector

    def page(stream: str) -> Any:
        raw = connector.fetch(stream, since=None, until=datetime.now(UTC), cursor=None)
        return make_ready(engine.profile, engine.config, connector.parse(stream, raw))

    tenancies, properties = page("tenancies"), page("properties")
    with app.engine.begin() as conn:
        writer.write(conn, tenancies, state, ctx)
        assert state.counts["tenancy"].get("created", 0) == 0  # no unit held yet
        writer.write(conn, properties, state, ctx)
        writer.write(conn, tenancies, state, ctx)
        writer.writes.insert(conn)
    connector.close()
    assert state.counts["unit"]["created"] > 0
    assert state.counts["tenancy"]["created"] > 0
    assert held(app, connected, "tenancy")
