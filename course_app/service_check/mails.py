"""The service check's e-mails, through the outbox in the caller's transaction, each in its
recipient's language: to the leader when she books, moves or cancels her time (or the supporter
cancels it) and the day before; to the supporter a short note of a new, moved or cancelled booking.

They tell the time, the place or link, and where to find the page and the calendar file; they never
quote the leader's questions or the supporter's note (``access``'s table).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from course_app.accounts.models import User
from course_app.core.clock import local_day
from course_app.core.links import absolute_url
from course_app.notifications.services import Attachment, enqueue
from course_app.schedule.event_text import when_text
from course_app.service_check import calendar_file
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot


class LeaderMail(enum.StrEnum):
    BOOKED = "booked"
    CHANGED = "changed"
    CANCELLED = "cancelled"  # by her
    SLOT_CANCELLED = "slot_cancelled"  # by the supporter
    REMINDER = "reminder"


class SupporterMail(enum.StrEnum):
    BOOKED = "booked"
    CHANGED = "changed"
    CANCELLED = "cancelled"


# The e-mails about a booking that no longer exists: their .ics cancels it.
CANCELLATIONS = (LeaderMail.CANCELLED, LeaderMail.SLOT_CANCELLED)

LEADER_SUBJECTS = {
    LeaderMail.BOOKED: _l("Din tid til servicetjek er booket"),
    LeaderMail.CHANGED: _l("Din tid til servicetjek er flyttet"),
    LeaderMail.CANCELLED: _l("Din tid til servicetjek er aflyst"),
    LeaderMail.SLOT_CANCELLED: _l("Din supporter har aflyst din tid til servicetjek"),
    LeaderMail.REMINDER: _l("Påmindelse: servicetjek i morgen"),
}
SUPPORTER_SUBJECTS = {
    SupporterMail.BOOKED: _l("Ny booking af servicetjek"),
    SupporterMail.CHANGED: _l("En booking af servicetjek er flyttet"),
    SupporterMail.CANCELLED: _l("En booking af servicetjek er aflyst"),
}


def _slot_context(slot: ServiceCheckSlot) -> dict[str, Any]:
    return {
        "when": when_text(slot),  # type: ignore[arg-type]  # reads starts_at and ends_at only
        "place": slot.place,
        "online_link": slot.online_link,
        "minutes": slot.length_minutes,
    }


def _send(
    user: User,
    subject: Any,
    template: str,
    *,
    outbox_kind: str,
    idempotency_key: str | None = None,
    booking_file_of: ServiceCheckBooking | None = None,
    **context: Any,
) -> None:
    """Render ``template`` (its ``kind`` is the mail's) in the recipient's language and put the
    e-mail in the outbox as ``outbox_kind``."""
    with force_locale(user.locale):
        context = {**context, **_slot_context(context["slot"]), "user": user}
        subject_text = str(subject)
        text = render_template(f"service_check/emails/{template}.txt", **context)
        html = render_template(f"service_check/emails/{template}.html", **context)
        attachment = None
        if booking_file_of is not None:  # the booking's calendar file, in her language too
            ics = calendar_file.booking_file(
                booking_file_of,
                for_supporter=False,
                page_url=context["page"],
                cancelled=context["kind"] in CANCELLATIONS,
            )
            attachment = Attachment("servicetjek.ics", "text/calendar", ics.decode("utf-8"))
    enqueue(
        recipient=user.email,
        subject=subject_text,
        body_text=text,
        body_html=html,
        kind=outbox_kind,
        user_id=user.id,
        idempotency_key=idempotency_key,
        attachment=attachment,
    )


def tell_leader(
    kind: LeaderMail,
    leader: User,
    slot: ServiceCheckSlot,
    booking: ServiceCheckBooking | None = None,
    *,
    idempotency_key: str | None = None,
) -> None:
    """One e-mail to the leader; a booking that still exists comes with its ``.ics`` attached (and
    the link to it), a cancelled one (just deleted, still in hand) with the ``.ics`` that takes it
    out of her calendar."""
    ics_link = None
    if booking is not None and kind not in CANCELLATIONS:
        ics_link = absolute_url("service_check.booking_file", booking_id=booking.id)
    _send(
        leader,
        LEADER_SUBJECTS[kind],
        "leader",
        outbox_kind=f"service_check_{kind.value}",
        idempotency_key=idempotency_key,
        kind=kind.value,
        slot=slot,
        supporter_name=slot.supporter.name,
        page=absolute_url("service_check.home"),
        calendar_file=ics_link,
        booking_file_of=booking,
    )


def tell_supporter(kind: SupporterMail, leader: User, slot: ServiceCheckSlot) -> None:
    """A short note to the slot's supporter (the leader's name and the time, not her questions)."""
    supporter = slot.supporter
    day = slot.starts_at
    _send(
        supporter,
        SUPPORTER_SUBJECTS[kind],
        "supporter",
        outbox_kind=f"service_check_supporter_{kind.value}",
        kind=kind.value,
        slot=slot,
        leader_name=leader.name,
        page=absolute_url("service_check.day", dato=day_param(day)),
    )


def day_param(moment: dt.datetime) -> str:
    """The Copenhagen day of an instant as the day page's query value (2026-12-07)."""
    return local_day(moment).isoformat()
