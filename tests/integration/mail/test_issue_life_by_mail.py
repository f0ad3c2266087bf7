"""Every notification of an issue's life reaches the right people over SMTP, once each
(docs/notifications.md): reported -> quotes requested -> quote submitted -> instructed ->
appointment -> completed -> closed; C-08's invitation to rate when feedback is on."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from repairlink.bootstrap import App
from repairlink.domain.issues import Issue, PayingForWork
from repairlink.mail.catcher import Mailbox
from repairlink.services import agencies, issues
from repairlink.services.auth import Principal
from tests.factories import (
    as_contractor,
    living_occupier,
    make_contractor,
    make_unit,
    uow_of,
)
from tests.integration.mail.conftest import (
    CONSOLE,
    Send,
    inbox,
    received,
    reported_and_instructed,
    staff_login,
)


def _people(app: App, admin: Principal) -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    staff_login(app, admin, f"office-{tag}@agency.example")
    unit = make_unit(app, admin)
    return {
        "office": f"office-{tag}@agency.example",
        "unit": str(unit.id),
        "occupier": str(
            living_occupier(
                app, admin, unit, first_name="Amira", email=f"amira-{tag}@home.example"
            ).id
        ),
        "fixit": str(
            make_contractor(app, admin, company="Fixit", email=f"fix-{tag}@trade.example").id
        ),
        "sparks": str(
            make_contractor(app, admin, company="Sparks", email=f"sparks-{tag}@trade.example").id
        ),
        "tag": tag,
    }


def test_an_issues_whole_life_is_told_by_mail_once_each_to_the_right_people(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    p = _people(app, admin)
    tag = p["tag"]
    office, amira = f"office-{tag}@agency.example", f"amira-{tag}@home.example"
    fixit, sparks = f"fix-{tag}@trade.example", f"sparks-{tag}@trade.example"
    uow = lambda: uow_of(app, admin)  # noqa: E731
    issue = _awarded(
        app, admin, p, "Boiler not heating", asked=("fixit", "sparks"), notes="Two hours"
    )
    when = datetime(2030, 3, 4, 10, 30, tzinfo=UTC)
    issues.set_appointment(uow(), admin, issue.id, when)
    issues.complete(
        uow(), admin, issue.id, files=app.files, notes="New valve fitted", costs=None, invoice=None
    )
    issues.close(uow(), admin, issue.id)
    send_all()
    ref = f"IS{issue.number}"
    assert Counter(received(box, admin.agency_id)) == Counter(
        {
            (office, f"New issue {ref}: Boiler not heating"): 1,
            (fixit, f"Quote requested: Boiler not heating ({ref})"): 1,
            (sparks, f"Quote requested: Boiler not heating ({ref})"): 1,
            (office, f"Quote received for {ref}: Boiler not heating"): 1,
            (fixit, f"Job instructed: Boiler not heating ({ref})"): 1,
            (amira, f"Job instructed: Boiler not heating ({ref})"): 1,
            (amira, f"Appointment for Boiler not heating ({ref})"): 1,
            (office, f"Job completed: Boiler not heating ({ref})"): 1,
            (amira, f"Closed: Boiler not heating ({ref})"): 1,
        }
    )
    assert send_all() == 0  # nothing left to send: each went once
    mails = {(", ".join(c.recipients), c.subject): c for c in inbox(box, admin.agency_id)}
    agency = agencies.get_agency(uow())
    appointment = mails[(amira, f"Appointment for Boiler not heating ({ref})")]
    assert appointment.message["From"].addresses[0].display_name == agency.name
    assert "Monday, 4 March 2030 at 10:30" in appointment.body("plain")
    assert "Fixit" in appointment.body("html")
    quote_mail = mails[(office, f"Quote received for {ref}: Boiler not heating")]
    assert "£120.00" in quote_mail.body("plain")
    assert f"{CONSOLE}/issues/{issue.id}" in quote_mail.body("html")
    assert f"{CONSOLE}/jobs/{issue.id}" in mails[
        (fixit, f"Quote requested: Boiler not heating ({ref})")
    ].body("plain")


def test_a_us_agency_s_mail_gives_its_own_time_and_dollars(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    """A Propertyware agency in California: the resident's appointment at 18:30 UTC is 10:30 AM
    there (not the UK's 18:30), and a quote is in dollars."""
    uow = lambda: uow_of(app, admin)  # noqa: E731
    p = _people(app, admin)  # (the factories' people have UK numbers: made before the switch)
    agencies.update_settings(uow(), {"locale": "en_US", "time_zone": "America/Los_Angeles"})
    office, amira = p["office"], f"amira-{p['tag']}@home.example"
    issue = _awarded(app, admin, p, "Leaking faucet", asked=("fixit",), notes="")
    issues.set_appointment(uow(), admin, issue.id, datetime(2030, 3, 4, 18, 30, tzinfo=UTC))
    send_all()
    ref = f"IS{issue.number}"
    mails = {(", ".join(c.recipients), c.subject): c for c in inbox(box, admin.agency_id)}
    appointment = mails[(amira, f"Appointment for Leaking faucet ({ref})")]
    assert "Monday, March 4, 2030 at 10:30\u202fAM" in appointment.body("plain")
    assert "Monday, March 4, 2030 at 10:30\u202fAM" in appointment.body("html")
    quote_mail = mails[(office, f"Quote received for {ref}: Leaking faucet")]
    assert "$120.00 (tax included)" in quote_mail.body("plain")  # a US agency has no VAT
    assert "£" not in quote_mail.body("plain") + appointment.body("plain")


def _awarded(
    app: App, admin: Principal, p: dict[str, str], title: str, *, asked: tuple[str, ...], notes: str
) -> Issue:
    """Reported by the occupier, quotes asked of `asked`, Fixit's (100.00 + 20.00 VAT) awarded."""
    uow = lambda: uow_of(app, admin)  # noqa: E731
    issue = issues.report(
        uow(),
        admin,
        title=title,
        unit_id=int(p["unit"]),
        reporter_occupier_id=int(p["occupier"]),
    )
    issues.request_quotes(uow(), admin, issue.id, [int(p[who]) for who in asked])
    quote = issues.submit_quote(
        uow(),
        as_contractor_principal(app, admin, int(p["fixit"])),
        issue.id,
        contractor_id=int(p["fixit"]),
        net=10000,
        vat=2000,
        notes=notes,
    )
    issues.award_quote(uow(), admin, issue.id, quote.id, paying=PayingForWork.LANDLORD)
    return issue


def as_contractor_principal(app: App, admin: Principal, contractor_id: int) -> Principal:
    from repairlink.domain.people import Contractor
    from repairlink.services import people_and_places

    return as_contractor(people_and_places.get(uow_of(app, admin), Contractor, contractor_id))


def test_c_08_completion_invites_the_occupier_to_rate_only_when_feedback_is_on(
    app: App, admin: Principal, box: Mailbox, send_all: Send
) -> None:
    uow = lambda: uow_of(app, admin)  # noqa: E731
    unit = make_unit(app, admin)
    tag = uuid.uuid4().hex[:8]
    reporter = living_occupier(app, admin, unit, email=f"rater-{tag}@home.example")
    contractor = make_contractor(app, admin)
    titles = []
    for feedback in (True, False):
        agencies.update_settings(uow(), {"feedback_enabled": feedback})
        issue = reported_and_instructed(
            app, admin, unit.id, reporter.id, contractor.id, f"Feedback {feedback}"
        )
        issues.set_appointment(uow(), admin, issue.id, datetime.now(UTC) + timedelta(days=1))
        issues.complete(
            uow(), admin, issue.id, files=app.files, notes="Done", costs=None, invoice=None
        )
        titles.append(f"IS{issue.number}")
    send_all()
    rate = [s for to, s in received(box, admin.agency_id) if s.startswith("How did the repair go?")]
    assert rate == [f"How did the repair go? Feedback True ({titles[0]})"]
    invite = next(c for c in inbox(box, admin.agency_id) if c.subject == rate[0])
    assert f"{CONSOLE}/my/issues" in invite.body("plain")
