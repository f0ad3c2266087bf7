"""C-03: the issue lifecycle as a state machine, checked against a table written out here
independently of the one in the domain, so a change to either is caught."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repairlink.domain.agency import Agency, CostsOption, InvoiceOption
from repairlink.domain.issues import STATUS_LABELS, Issue, Party, PayingForWork, Status
from repairlink.domain.values import Money
from repairlink.errors import ConflictError, InvalidError

S = Status
OPEN = (
    S.REPORTED,
    S.QUOTES_REQUESTED,
    S.JOB_INSTRUCTED,
    S.AWAITING_COMPLETION,
    S.COMPLETED,
    S.AWAITING_FEEDBACK,
)
AT = datetime(2030, 1, 2, 9, 30, tzinfo=UTC)


def _agency(feedback: bool) -> Agency:
    return Agency(name="A", slug="a", feedback_enabled=feedback)


# action -> {from status: to status}; `complete` depends on the feedback setting (C-08).
def expected_table(feedback: bool) -> dict[str, dict[Status, Status]]:
    return {
        "request_quotes": {S.REPORTED: S.QUOTES_REQUESTED, S.QUOTES_REQUESTED: S.QUOTES_REQUESTED},
        "instruct": {S.REPORTED: S.JOB_INSTRUCTED, S.QUOTES_REQUESTED: S.JOB_INSTRUCTED},
        "set_appointment": {
            S.JOB_INSTRUCTED: S.AWAITING_COMPLETION,
            S.AWAITING_COMPLETION: S.AWAITING_COMPLETION,
        },
        "complete": {S.AWAITING_COMPLETION: S.AWAITING_FEEDBACK if feedback else S.COMPLETED},
        "leave_feedback": {S.AWAITING_FEEDBACK: S.AWAITING_FEEDBACK},
        "close": {S.COMPLETED: S.CLOSED, S.AWAITING_FEEDBACK: S.CLOSED},
        "cancel": dict.fromkeys(OPEN, S.CANCELLED),
        "forward_to_pm": dict.fromkeys(OPEN, S.FORWARDED_TO_PM),
        "check_quote_submission": {S.QUOTES_REQUESTED: S.QUOTES_REQUESTED},
    }


def do(issue: Issue, action: str, feedback: bool) -> None:
    calls: dict[str, Callable[[], Any]] = {
        "request_quotes": issue.request_quotes,
        "instruct": lambda: issue.instruct(Party.CONTRACTOR, 7, PayingForWork.LANDLORD),
        "set_appointment": lambda: issue.set_appointment(AT),
        "complete": lambda: issue.complete(
            agency=_agency(feedback), notes="done", costs=None, has_invoice=False
        ),
        "leave_feedback": lambda: issue.leave_feedback(5, "great"),
        "close": lambda: issue.close("finished"),
        "cancel": lambda: issue.cancel("not needed"),
        "forward_to_pm": lambda: issue.forward_to_pm("for the PM"),
        "check_quote_submission": issue.check_quote_submission,
    }
    calls[action]()


def new_issue(status: Status = S.REPORTED) -> Issue:
    return Issue(agency_id=1, number=1, title="Leak", status=status)


ACTIONS = sorted(expected_table(False))


@pytest.mark.parametrize("feedback", [False, True])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("start", list(Status))
def test_c_03_every_action_from_every_status_follows_the_table(
    start: Status, action: str, feedback: bool
) -> None:
    issue = new_issue(start)
    allowed = expected_table(feedback)[action]
    if start in allowed:
        do(issue, action, feedback)
        assert issue.status is allowed[start]
    else:
        before = dataclasses.asdict(issue)
        with pytest.raises(ConflictError) as err:
            do(issue, action, feedback)
        assert err.value.rule == "C-03"
        assert err.value.code == "issue.illegal_transition"
        assert err.value.field == "status"
        assert STATUS_LABELS[start] in err.value.message  # says what state forbids it
        assert dataclasses.asdict(issue) == before


def test_c_03_the_happy_paths_end_closed() -> None:
    for feedback, path in [
        (False, ["instruct", "set_appointment", "complete", "close"]),
        (True, ["request_quotes", "instruct", "set_appointment", "complete", "close"]),
        (True, ["instruct", "set_appointment", "complete", "leave_feedback", "close"]),
    ]:
        issue = new_issue()
        for action in path:
            do(issue, action, feedback)
        assert issue.status is S.CLOSED


def test_c_03_statuses_have_the_spec_labels() -> None:
    assert S.REPORTED.label == "Reported"
    assert S.QUOTES_REQUESTED.label == "Quotes requested"
    assert S.JOB_INSTRUCTED.label == "Job awarded, awaiting appointment date"
    assert S.AWAITING_COMPLETION.label == "Awaiting job completion"
    assert S.COMPLETED.label == "Job completed, ready for closure"
    assert all(status in STATUS_LABELS for status in Status)


def test_c_03_only_closed_cancelled_and_forwarded_are_not_open() -> None:
    assert {s for s in Status if not s.is_open} == {S.CLOSED, S.CANCELLED, S.FORWARDED_TO_PM}


@settings(max_examples=300, deadline=None)
@given(
    actions=st.lists(st.sampled_from(ACTIONS), max_size=12),
    feedback=st.booleans(),
)
def test_c_03_any_sequence_follows_the_table_or_is_refused_unchanged(
    actions: list[str], feedback: bool
) -> None:
    table = expected_table(feedback)
    issue = new_issue()
    for action in actions:
        before = dataclasses.asdict(issue)
        target = table[action].get(issue.status)
        if target is None:
            with pytest.raises(ConflictError) as err:
                do(issue, action, feedback)
            assert err.value.rule == "C-03"
            assert dataclasses.asdict(issue) == before
        else:
            do(issue, action, feedback)
            assert issue.status is target


def test_c_04_instruction_records_the_party_and_who_pays() -> None:
    issue = new_issue()
    issue.instruct(Party.LANDLORD, 42, PayingForWork.ALL_LANDLORDS)
    assert (issue.instructed_party, issue.landlord_id, issue.contractor_id) == (
        Party.LANDLORD,
        42,
        None,
    )
    assert issue.paying_for_work is PayingForWork.ALL_LANDLORDS
    other = new_issue(S.QUOTES_REQUESTED)
    other.instruct(Party.CONTRACTOR, 9, PayingForWork.OCCUPIER)
    assert (other.contractor_id, other.landlord_id) == (9, None)


def test_c_06_appointment_is_recorded() -> None:
    issue = new_issue(S.JOB_INSTRUCTED)
    issue.set_appointment(AT)
    assert issue.appointment_at == AT


def test_c_07_costs_option_provide_costs_makes_costs_mandatory() -> None:
    agency = Agency(name="A", slug="a", costs_option=CostsOption.PROVIDE_COSTS)
    issue = new_issue(S.AWAITING_COMPLETION)
    before = dataclasses.asdict(issue)
    with pytest.raises(InvalidError) as err:
        issue.complete(agency=agency, notes="done", costs=None, has_invoice=True)
    assert (err.value.field, err.value.rule) == ("costs", "C-07")
    assert dataclasses.asdict(issue) == before
    issue.complete(agency=agency, notes="done", costs=Money.of(net=100, vat=20), has_invoice=False)
    assert (issue.cost_net, issue.cost_vat, issue.cost_gross) == (100, 20, 120)
    assert issue.costs == Money(100, 20, 120)


def test_c_07_invoice_option_required_makes_the_invoice_mandatory() -> None:
    agency = Agency(name="A", slug="a", invoice_option=InvoiceOption.REQUIRED)
    issue = new_issue(S.AWAITING_COMPLETION)
    with pytest.raises(InvalidError) as err:
        issue.complete(agency=agency, notes="done", costs=None, has_invoice=False)
    assert (err.value.field, err.value.rule) == ("invoice", "C-07")
    assert issue.status is S.AWAITING_COMPLETION
    issue.complete(agency=agency, notes="done", costs=None, has_invoice=True)
    assert issue.status is S.COMPLETED


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_c_08_feedback_rating_is_one_to_five(rating: int) -> None:
    issue = new_issue(S.AWAITING_FEEDBACK)
    with pytest.raises(InvalidError) as err:
        issue.leave_feedback(rating, "")
    assert err.value.rule == "C-08"
    assert issue.feedback_rating is None
