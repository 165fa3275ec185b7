"""E-mails through the outbox to a real SMTP server: the confirmation with the booking's calendar
file attached (and a link to it), the supporter's note, the day-before reminder exactly once (the schedule command
queues it), each in the person's language, and never the questions."""

from __future__ import annotations

import icalendar

from course_app.cli import cli
from course_app.core.db import db
from course_app.notifications.services import deliver_outbox
from course_app.service_check import booking, reminders
from tests.helpers import post_form as _post
from tests.service_check.conftest import QUESTION, copenhagen

NOW = copenhagen(2026, 9, 1)


def _delivered(mailbox):
    report = deliver_outbox(now=NOW)
    assert report.error is None
    return {(m.recipients[0], m.message["Subject"]): m for m in mailbox.messages()}


def test_booking_sends_a_confirmation_with_the_calendar_file_and_a_note_to_the_supporter(
    world, browser, mail_to_mailbox
):
    slot = world.slot("sa", place="Rådhuset, lokale 2", link="https://meet.example.dk/sc")
    world.la.locale = "en"
    db.session.flush()
    leader = browser(world.la)
    response = _post(
        leader,
        "/servicetjek",
        f"/servicetjek/forloeb/{world.round.id}/book",
        {"slot": str(slot.id), "questions": QUESTION},
    )
    assert response.status_code == 302
    mails = _delivered(mail_to_mailbox)
    confirmation = mails[(world.la.email, "Your service check is booked")]
    body = confirmation.body
    assert "Thursday 10 September 2026, 10:00–10:30" in body
    assert "https://meet.example.dk/sc" in body and "Sofie Support" in body
    note = mails[(world.sa.email, "Ny booking af servicetjek")]
    assert "Lise Leder" in note.body and "torsdag 10. september 2026 kl. 10.00–10.30" in note.body
    for message in mails.values():
        assert QUESTION not in message.body and QUESTION not in (message.html or "")
    (link,) = [line for line in body.splitlines() if line.endswith(".ics")]
    path = link.replace("http://forloeb.test", "")
    ics = leader.get(path)
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(ics.data)
    (event,) = calendar.walk("VEVENT")
    assert event["SUMMARY"] == "Service check with Sofie Support"
    assert event.decoded("DTSTART") == copenhagen(2026, 9, 10, 10)
    assert event.decoded("DTEND") == copenhagen(2026, 9, 10, 10, 30)
    assert str(event["LOCATION"]) == "Rådhuset, lokale 2"
    assert QUESTION not in ics.get_data(as_text=True)
    supporter_ics = browser(world.sa).get(path)
    assert "Lise Leder" in supporter_ics.get_data(as_text=True)
    # The same calendar file travels with the e-mail, in her language, without the questions.
    (attached,) = [
        part for part in confirmation.message.walk() if part.get_filename() == "servicetjek.ics"
    ]
    assert attached.get_content_type() == "text/calendar"
    assert attached.get_content_disposition() == "attachment"
    attached_text = attached.get_payload(decode=True).decode("utf-8")
    (attached_event,) = icalendar.Calendar.from_ical(attached_text).walk("VEVENT")
    assert attached_event["SUMMARY"] == "Service check with Sofie Support"
    assert attached_event.decoded("DTSTART") == copenhagen(2026, 9, 10, 10)
    assert QUESTION not in attached_text
    assert not [p for p in note.message.walk() if p.get_filename()]  # the supporter's note: none


def test_moving_raises_the_sequence_and_cancelling_tells_both(world, browser, mail_to_mailbox):
    first = world.slot("sa")
    second = world.slot("sa", copenhagen(2026, 9, 11, 10))
    made = booking.book(world.viewer("la"), first, QUESTION, now=NOW)
    db.session.flush()
    leader = browser(world.la)
    response = _post(
        leader, "/servicetjek", f"/servicetjek/booking/{made.id}/flyt", {"slot": str(second.id)}
    )
    assert response.status_code == 302
    ics = icalendar.Calendar.from_ical(leader.get(f"/servicetjek/booking/{made.id}.ics").data)
    (event,) = ics.walk("VEVENT")
    assert event["SEQUENCE"] == 1 and event.decoded("DTSTART") == copenhagen(2026, 9, 11, 10)
    response = _post(leader, "/servicetjek", f"/servicetjek/booking/{made.id}/aflys", {})
    assert response.status_code == 302
    mails = _delivered(mail_to_mailbox)
    assert (world.la.email, "Din tid til servicetjek er flyttet") in mails
    assert (world.sa.email, "En booking af servicetjek er flyttet") in mails
    assert (world.sa.email, "En booking af servicetjek er aflyst") in mails
    # The cancellation carries the booking once more, cancelled: her calendar removes it.
    cancelled = _attached_event(mails[(world.la.email, "Din tid til servicetjek er aflyst")])
    assert cancelled["METHOD"] == "CANCEL"
    (event,) = cancelled.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2
    assert event["UID"] == ics.walk("VEVENT")[0]["UID"]
    assert ".ics" not in mails[(world.la.email, "Din tid til servicetjek er aflyst")].body


def _attached_event(message) -> icalendar.Calendar:
    (attached,) = [part for part in message.message.walk() if part.get_filename()]
    assert attached.get_content_type() == "text/calendar"
    return icalendar.Calendar.from_ical(attached.get_payload(decode=True).decode("utf-8"))


def test_a_cancelled_slot_tells_the_leader(world, browser, mail_to_mailbox):
    slot = world.slot("sa")
    made = booking.book(world.viewer("la"), slot, "", now=NOW)
    uid = f"service-check-{made.id}@"
    db.session.flush()
    response = _post(
        browser(world.sa),
        f"/servicetjek/forloeb/{world.round.id}/tider",
        f"/servicetjek/tider/{slot.id}/aflys",
        {},
    )
    assert response.status_code == 302
    message = _delivered(mail_to_mailbox)[
        (world.la.email, "Din supporter har aflyst din tid til servicetjek")
    ]
    cancelled = _attached_event(message)
    assert cancelled["METHOD"] == "CANCEL"
    (event,) = cancelled.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and str(event["UID"]).startswith(uid)
    assert event.decoded("DTSTART") == copenhagen(2026, 9, 10, 10)


def test_the_reminder_is_queued_once_by_the_schedule_run(world, app, mail_to_mailbox):
    slot = world.slot("sa")
    made = booking.book(world.viewer("la"), slot, QUESTION, now=NOW)
    db.session.flush()
    assert reminders.queue_due_reminders(copenhagen(2026, 9, 9, 9)) == 0  # 25 hours ahead
    day_before = copenhagen(2026, 9, 9, 11)
    assert reminders.queue_due_reminders(day_before) == 1
    assert reminders.queue_due_reminders(day_before) == 0
    db.session.refresh(made)
    assert made.reminded_at == day_before
    report = deliver_outbox(now=day_before)
    assert report.sent == 1
    (reminder,) = mail_to_mailbox.messages()
    assert reminder.message["Subject"] == "Påmindelse: servicetjek i morgen"
    assert "torsdag 10. september 2026 kl. 10.00–10.30" in reminder.body
    assert QUESTION not in reminder.body


def test_the_schedule_command_queues_reminders(world, app, session):
    slot = world.slot("sa")
    booking.book(world.viewer("la"), slot, "", now=NOW)
    db.session.flush()
    result = app.test_cli_runner().invoke(cli, ["schedule", "run", "--now", "2026-09-09T11:00"])
    assert "1 påmindelser om servicetjek" in result.output, result.output
    again = app.test_cli_runner().invoke(cli, ["schedule", "run", "--now", "2026-09-09T11:05"])
    assert "0 påmindelser om servicetjek" in again.output, again.output
