"""A booking as a calendar file (RFC 5545), for the leader and her supporter.

It tells the time, the place or link and the page; never the questions (a calendar is synchronised
to places the platform does not control). One UID per booking: a moved booking raises its
SEQUENCE, so a calendar that imported it takes the new time; a cancelled one is sent once more with
METHOD:CANCEL and STATUS:CANCELLED, so the calendar removes it.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import gettext as _

from course_app.core.i18n import COPENHAGEN
from course_app.schedule.ics import PRODUCT_ID, TZID, exported_time
from course_app.service_check.models import ServiceCheckBooking


def _uid(booking: ServiceCheckBooking) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "forloebsplatformen"
    return f"service-check-{booking.id}@{host}"


def booking_file(
    booking: ServiceCheckBooking, *, for_supporter: bool, page_url: str, cancelled: bool = False
) -> bytes:
    """The booking's ``.ics`` in the current locale: the leader's summary names the supporter, the
    supporter's names the leader. ``cancelled``: the cancellation of a booking just deleted (its
    id, sequence and slot still in hand), which takes it out of a calendar that imported it."""
    slot = booking.slot
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if cancelled:
        calendar.add("method", "CANCEL")
    day = slot.starts_at.astimezone(COPENHAGEN).date()
    calendar.add_component(
        icalendar.Timezone.from_tzinfo(
            COPENHAGEN,
            tzid=TZID,
            first_date=dt.date(day.year - 1, 1, 1),
            last_date=dt.date(day.year + 2, 1, 1),
        )
    )
    event = icalendar.Event()
    event.add("uid", _uid(booking))
    event.add("dtstamp", booking.updated_at.astimezone(dt.UTC))
    event.add("sequence", booking.sequence + 1 if cancelled else booking.sequence)
    if cancelled:
        event.add("status", "CANCELLED")
    event.add("dtstart", exported_time(slot.starts_at))
    event.add("dtend", exported_time(slot.ends_at))
    if for_supporter:
        event.add("summary", _("Servicetjek med %(name)s", name=booking.user.name))
    else:
        event.add("summary", _("Servicetjek med %(name)s", name=slot.supporter.name))
    location = slot.place or slot.online_link
    if location:
        event.add("location", location)
    parts = [part for part in (slot.place, slot.online_link) if part]
    parts.append(page_url)
    event.add("description", "\n\n".join(parts))
    event.add("url", slot.online_link or page_url)
    calendar.add_component(event)
    return calendar.to_ical()
