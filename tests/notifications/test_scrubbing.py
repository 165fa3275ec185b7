"""Keys in sent e-mails do not stay readable in the outbox (issue 12, point 6): the person gets the
link; the stored copy has it cut out once the mail has gone, or has been given up."""

from __future__ import annotations

import pytest

from course_app.accounts import invitations
from course_app.accounts import services as accounts
from course_app.notifications import services as notifications
from course_app.notifications.models import OutboxMessage
from course_app.notifications.scrubbing import REMOVED, without_keys
from course_app.notifications.services import MAX_ATTEMPTS
from tests.mail import INVITATION_PATH

TOKEN = "Zk3_q-9xY0aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"  # 43 characters, as secrets.token_urlsafe(32)


@pytest.mark.parametrize(
    "link",
    [
        f"https://forloeb.example/invitation/{TOKEN}",
        f"https://forloeb.example/glemt-adgangskode/{TOKEN}",
        f"https://forloeb.example/log-ind/link/{TOKEN}?next=/moduler/3",
        "https://forloeb.example/afmeld/MTI.aBcDeF.Zk3q9xY0aBcDeFgHiJkLmNoPqRs",
    ],
)
def test_a_link_that_is_a_key_is_cut(link):
    assert without_keys(f"Klik her: {link}\nHilsen") == f"Klik her: {REMOVED}\nHilsen"
    assert without_keys(f'<a href="{link}">Vælg adgangskode</a>') == (
        f'<a href="{REMOVED}">Vælg adgangskode</a>'
    )


@pytest.mark.parametrize(
    "link",
    [
        "https://forloeb.example/",
        "https://forloeb.example/moduler/12",
        "https://forloeb.example/materialer/4/slides.pdf",
        "https://www.was.digst.dk/forloeb-example-dk",
    ],
)
def test_an_ordinary_link_stays(link):
    assert without_keys(f"Se {link} i dag") == f"Se {link} i dag"


def test_the_invitation_arrives_with_its_link_and_the_outbox_keeps_none(
    app, session, mail_to_mailbox
):
    user = accounts.create_user(email="ny@test.example", name="Ny Leder")
    invitations.invite(user)
    message = session.query(OutboxMessage).one()
    assert INVITATION_PATH.search(message.body_text)  # queued: the link is needed to send it

    assert notifications.deliver_outbox().sent == 1
    (received,) = mail_to_mailbox.messages()
    path = received.invitation_path
    assert path in received.body and path in (received.html or "")

    session.refresh(message)
    for stored in (message.body_text, message.body_html or ""):
        assert path not in stored and INVITATION_PATH.search(stored) is None
        assert REMOVED in stored


def test_a_message_given_up_for_good_keeps_no_key_either(app, session, mail_to_mailbox):
    mail_to_mailbox.refuse("afvist@test.example")  # 550: refused for good
    notifications.enqueue(
        recipient="afvist@test.example",
        subject="Nulstil",
        body_text=f"https://forloeb.example/glemt-adgangskode/{TOKEN}",
        kind="test",
        headers={"List-Unsubscribe": f"<https://forloeb.example/afmeld/{TOKEN}>"},
    )
    assert notifications.deliver_outbox().failed == 1
    message = session.query(OutboxMessage).one()
    assert message.failed_at is not None
    assert TOKEN not in message.body_text and TOKEN not in str(message.headers)


def test_a_message_whose_worker_died_on_its_last_attempt_loses_its_keys_when_given_up(
    app, session, mail_to_mailbox
):
    """A sender stopped mid-send on the last attempt leaves the message claimed; the next run gives
    it up for good, and cuts its keys like any message that will not be sent again."""
    message = notifications.enqueue(
        recipient="ny@test.example",
        subject="Invitation",
        body_text=f"https://forloeb.example/invitation/{TOKEN}",
        kind="test",
    )
    message.attempts = MAX_ATTEMPTS  # every attempt used; the last one never finished
    session.commit()
    report = notifications.deliver_outbox()
    assert (report.sent, report.failed) == (0, 1)
    session.refresh(message)
    assert message.failed_at is not None and TOKEN not in message.body_text
    assert mail_to_mailbox.messages() == []
