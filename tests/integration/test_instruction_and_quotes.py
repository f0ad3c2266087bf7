"""C-04 (instruct a contractor or a landlord, recording who pays) and C-05 (quotes)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from repairlink.bootstrap import App
from repairlink.domain.issues import Party, PayingForWork, QuoteStatus, Status
from repairlink.domain.people import Contractor, Landlord
from repairlink.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from repairlink.services import issues, people_and_places
from repairlink.services.auth import Principal
from tests.factories import (
    as_contractor,
    contractor_login,
    make_contractor,
    make_issue,
    make_landlord,
    quotes_requested_issue,
    uow_of,
)
from tests.integration.console_login import console_as
from tests.integration.test_issue_lifecycle import snapshot


@pytest.mark.parametrize("paying", list(PayingForWork))
def test_c_04_instruct_a_contractor_records_who_pays(
    app: App, admin: Principal, paying: PayingForWork
) -> None:
    contractor = make_contractor(app, admin)
    issue = make_issue(app, admin)
    issues.instruct(
        uow_of(app, admin),
        admin,
        issue.id,
        party=Party.CONTRACTOR,
        party_id=contractor.id,
        paying=paying,
    )
    stored = issues.get(uow_of(app, admin), admin, issue.id)
    assert stored.status is Status.JOB_INSTRUCTED
    assert stored.instructed_party is Party.CONTRACTOR
    assert (stored.contractor_id, stored.landlord_id) == (contractor.id, None)
    assert stored.paying_for_work is paying
    assert [row[2] for row in snapshot(app, issue.id)["outbox"]][-1] == "issue.instructed"


def test_c_04_instruct_a_landlord(app: App, admin: Principal) -> None:
    landlord = make_landlord(app, admin)
    issue = make_issue(app, admin)
    issues.instruct(
        uow_of(app, admin),
        admin,
        issue.id,
        party=Party.LANDLORD,
        party_id=landlord.id,
        paying=PayingForWork.ALL_LANDLORDS,
    )
    stored = issues.get(uow_of(app, admin), admin, issue.id)
    assert stored.instructed_party is Party.LANDLORD
    assert (stored.landlord_id, stored.contractor_id) == (landlord.id, None)
    assert stored.paying_for_work is PayingForWork.ALL_LANDLORDS


@pytest.mark.parametrize("party", list(Party))
def test_c_04_an_archived_party_is_refused(app: App, admin: Principal, party: Party) -> None:
    cls = Contractor if party is Party.CONTRACTOR else Landlord
    target = (make_contractor if party is Party.CONTRACTOR else make_landlord)(app, admin)
    people_and_places.update(uow_of(app, admin), cls, target.id, {"archived_at": datetime.now(UTC)})
    issue = make_issue(app, admin)
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError) as err:
        issues.instruct(
            uow_of(app, admin),
            admin,
            issue.id,
            party=party,
            party_id=target.id,
            paying=PayingForWork.LANDLORD,
        )
    assert (err.value.rule, err.value.field) == ("C-04", "party_id")
    assert snapshot(app, issue.id) == before


def test_c_04_only_staff_instruct(app: App, admin: Principal) -> None:
    contractor = make_contractor(app, admin)
    issue = quotes_requested_issue(app, admin, contractor)
    me = as_contractor(contractor)
    with pytest.raises(ForbiddenError):
        issues.instruct(
            uow_of(app, me),
            me,
            issue.id,
            party=Party.CONTRACTOR,
            party_id=contractor.id,
            paying=PayingForWork.LANDLORD,
        )


def test_c_05_request_submit_and_award_a_quote(app: App, admin: Principal) -> None:
    first, second, silent = (make_contractor(app, admin) for _ in range(3))
    issue = quotes_requested_issue(app, admin, first, second, silent)
    assert issue.status is Status.QUOTES_REQUESTED
    asked = issues.quotes_of(uow_of(app, admin), admin, issue.id)
    assert {(q.contractor_id, q.status) for q in asked} == {
        (c.id, QuoteStatus.REQUESTED) for c in (first, second, silent)
    }

    # the contractor answers its own request
    me = as_contractor(first)
    mine = issues.submit_quote(
        uow_of(app, me), me, issue.id, contractor_id=0, net=25000, vat=5000, notes="New washer"
    )
    assert (mine.contractor_id, mine.status) == (first.id, QuoteStatus.SUBMITTED)
    assert (mine.net, mine.vat, mine.gross, mine.notes) == (25000, 5000, 30000, "New washer")
    # an agent may enter a quote received by phone for another contractor
    issues.submit_quote(
        uow_of(app, admin), admin, issue.id, contractor_id=second.id, net=20000, vat=4000
    )
    # a contractor sees its own quote only
    assert [q.contractor_id for q in issues.quotes_of(uow_of(app, me), me, issue.id)] == [first.id]

    issues.award_quote(uow_of(app, admin), admin, issue.id, mine.id, paying=PayingForWork.OCCUPIER)
    stored = issues.get(uow_of(app, admin), admin, issue.id)
    assert stored.status is Status.JOB_INSTRUCTED
    assert (stored.instructed_party, stored.contractor_id) == (Party.CONTRACTOR, first.id)
    assert stored.paying_for_work is PayingForWork.OCCUPIER
    final = {
        q.contractor_id: q.status for q in issues.quotes_of(uow_of(app, admin), admin, issue.id)
    }
    assert final == {
        first.id: QuoteStatus.AWARDED,
        second.id: QuoteStatus.NOT_AWARDED,
        silent.id: QuoteStatus.NOT_AWARDED,
    }


def test_c_05_submitting_a_quote_not_requested_is_refused(app: App, admin: Principal) -> None:
    asked, not_asked = make_contractor(app, admin), make_contractor(app, admin)
    issue = quotes_requested_issue(app, admin, asked)
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError) as err:
        issues.submit_quote(
            uow_of(app, admin), admin, issue.id, contractor_id=not_asked.id, net=100, vat=20
        )
    assert (err.value.code, err.value.rule) == ("quote.not_requested", "C-05")
    # the contractor itself cannot even see the issue it was not asked about
    stranger = as_contractor(not_asked)
    with pytest.raises(NotFoundError):
        issues.submit_quote(
            uow_of(app, stranger), stranger, issue.id, contractor_id=0, net=1, vat=0
        )
    assert snapshot(app, issue.id) == before


def test_c_05_a_quote_with_a_negative_amount_is_refused(app: App, admin: Principal) -> None:
    contractor = make_contractor(app, admin)
    issue = quotes_requested_issue(app, admin, contractor)
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError) as err:
        issues.submit_quote(
            uow_of(app, admin), admin, issue.id, contractor_id=contractor.id, net=-100, vat=0
        )
    assert err.value.field == "amount"
    assert snapshot(app, issue.id) == before


def test_c_05_only_a_submitted_quote_of_the_issue_can_be_awarded(
    app: App, admin: Principal
) -> None:
    contractor = make_contractor(app, admin)
    issue = quotes_requested_issue(app, admin, contractor)
    other = quotes_requested_issue(app, admin, contractor)
    requested = issues.quotes_of(uow_of(app, admin), admin, issue.id)[0]
    submitted_elsewhere = issues.submit_quote(
        uow_of(app, admin), admin, other.id, contractor_id=contractor.id, net=100, vat=20
    )
    before = snapshot(app, issue.id)
    for quote_id in (requested.id, submitted_elsewhere.id):
        with pytest.raises(ConflictError) as err:
            issues.award_quote(
                uow_of(app, admin), admin, issue.id, quote_id, paying=PayingForWork.LANDLORD
            )
        assert (err.value.code, err.value.rule) == ("quote.not_awardable", "C-05")
    assert snapshot(app, issue.id) == before


def test_c_05_asking_the_same_contractor_twice_keeps_one_request(
    app: App, admin: Principal
) -> None:
    first, second = make_contractor(app, admin), make_contractor(app, admin)
    issue = quotes_requested_issue(app, admin, first)
    issues.request_quotes(uow_of(app, admin), admin, issue.id, [first.id, second.id, first.id])
    asked = issues.quotes_of(uow_of(app, admin), admin, issue.id)
    assert sorted(q.contractor_id for q in asked) == sorted([first.id, second.id])


def test_c_05_quotes_are_not_requested_from_archived_contractors(
    app: App, admin: Principal
) -> None:
    archived = make_contractor(app, admin)
    people_and_places.update(
        uow_of(app, admin), Contractor, archived.id, {"archived_at": datetime.now(UTC)}
    )
    issue = make_issue(app, admin)
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError) as err:
        issues.request_quotes(uow_of(app, admin), admin, issue.id, [archived.id])
    assert (err.value.rule, err.value.field) == ("C-05", "contractor_ids")
    assert snapshot(app, issue.id) == before


def test_c_05_requesting_quotes_needs_a_contractor(app: App, admin: Principal) -> None:
    issue = make_issue(app, admin)
    with pytest.raises(InvalidError) as err:
        issues.request_quotes(uow_of(app, admin), admin, issue.id, [])
    assert err.value.rule == "C-05"


def test_c_04_a_quote_of_a_contractor_archived_since_cannot_be_awarded(
    app: App, admin: Principal
) -> None:
    contractor = make_contractor(app, admin)
    issue = quotes_requested_issue(app, admin, contractor)
    quote = issues.submit_quote(
        uow_of(app, admin), admin, issue.id, contractor_id=contractor.id, net=100, vat=20
    )
    people_and_places.update(
        uow_of(app, admin), Contractor, contractor.id, {"archived_at": datetime.now(UTC)}
    )
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError) as err:
        issues.award_quote(
            uow_of(app, admin), admin, issue.id, quote.id, paying=PayingForWork.LANDLORD
        )
    assert (err.value.rule, err.value.field) == ("C-04", "quote_id")
    assert snapshot(app, issue.id) == before


def _quote_states(app: App, admin: Principal, issue_id: int) -> dict[int, QuoteStatus]:
    return {
        q.contractor_id: q.status for q in issues.quotes_of(uow_of(app, admin), admin, issue_id)
    }


def test_c_05_instructing_a_contractor_directly_settles_the_quotes(
    app: App, admin: Principal
) -> None:
    """Instruction that skips the award closes every quote as the award would: the instructed
    contractor's quote is awarded, the others are not (none stays 'submitted' for ever)."""
    chosen, other, silent = (make_contractor(app, admin) for _ in range(3))
    issue = quotes_requested_issue(app, admin, chosen, other, silent)
    for quoting in (chosen, other):
        issues.submit_quote(
            uow_of(app, admin), admin, issue.id, contractor_id=quoting.id, net=5500, vat=0
        )
    issues.instruct(
        uow_of(app, admin),
        admin,
        issue.id,
        party=Party.CONTRACTOR,
        party_id=chosen.id,
        paying=PayingForWork.LANDLORD,
    )
    assert _quote_states(app, admin, issue.id) == {
        chosen.id: QuoteStatus.AWARDED,
        other.id: QuoteStatus.NOT_AWARDED,
        silent.id: QuoteStatus.NOT_AWARDED,
    }


def test_c_05_instructing_a_landlord_awards_no_quote(app: App, admin: Principal) -> None:
    contractor = make_contractor(app, admin)
    issue = quotes_requested_issue(app, admin, contractor)
    issues.submit_quote(
        uow_of(app, admin), admin, issue.id, contractor_id=contractor.id, net=5500, vat=0
    )
    issues.instruct(
        uow_of(app, admin),
        admin,
        issue.id,
        party=Party.LANDLORD,
        party_id=make_landlord(app, admin).id,
        paying=PayingForWork.LANDLORD,
    )
    assert _quote_states(app, admin, issue.id) == {contractor.id: QuoteStatus.NOT_AWARDED}


@pytest.mark.parametrize(
    ("action", "said"),
    [
        ("cancel", "The agency cancelled this job."),
        ("forward", "The agency passed this job to the property manager."),
    ],
)
def test_c_05_cancelling_or_forwarding_settles_the_open_quotes_and_tells_the_contractor(
    app: App, admin: Principal, action: str, said: str
) -> None:
    """No quote stays open on a closed job: the contractor who quoted is not left reading
    that the agency has not decided yet."""
    quoting, silent = make_contractor(app, admin), make_contractor(app, admin)
    issue = quotes_requested_issue(app, admin, quoting, silent)
    issues.submit_quote(
        uow_of(app, admin),
        as_contractor(quoting),
        issue.id,
        contractor_id=quoting.id,
        net=5500,
        vat=0,
    )
    if action == "cancel":
        issues.cancel(uow_of(app, admin), admin, issue.id, reason="The tenant fixed it")
    else:
        issues.forward_to_pm(uow_of(app, admin), admin, issue.id, reason="The landlord's own")
    assert _quote_states(app, admin, issue.id) == {
        quoting.id: QuoteStatus.NOT_AWARDED,
        silent.id: QuoteStatus.NOT_AWARDED,
    }
    with console_as(app, *contractor_login(app, admin, quoting)) as console:
        job = console.get(f"/jobs/{issue.id}")
    found = re.search(r'data-testid="quote-state">(.*?)</p>', job.text, re.DOTALL)
    assert found is not None
    state = " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())
    assert state.startswith("Not awarded: ")
    assert state.endswith(said)
