"""Calendar files (RFC 5545) made with the ``icalendar`` library: one event's ``.ics`` download and a
person's feed.

Times are written in Copenhagen wall time with ``TZID=Europe/Copenhagen``, and the file carries that
zone's VTIMEZONE (its rules for the years the file covers), so a calendar shows 10.00 as 10.00 across
daylight-saving changes. One instant cannot be written that way: a time in the hour that happens
twice when summer time ends, *second* time round (RFC 5545 reads a local time there as the first
occurrence). Such a time is written in UTC instead (``...Z``), which names the same instant.
Release days are all-day events (``VALUE=DATE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar
from flask import current_app

from course_app.core.i18n import COPENHAGEN
from course_app.schedule.event_models import Event
from course_app.schedule.event_text import kind_label

PRODUCT_ID = "-//Forloebsplatformen//Kalender//DA"
TZID = "Europe/Copenhagen"


@dataclass(frozen=True)
class ReleaseDay:
    """A module opening for a round's leaders on a Copenhagen day."""

    cohort_id: int
    module_id: int
    summary: str
    day: dt.date
    url: str


def _uid_host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "forloebsplatformen"


def exported_time(moment: dt.datetime) -> dt.datetime:
    """The instant as Copenhagen wall time, or as UTC when that wall time would be read as another
    instant (the repeated hour's second occurrence)."""
    local = moment.astimezone(COPENHAGEN)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return moment.astimezone(dt.UTC)
    return local


def _timezone(first: dt.date, last: dt.date) -> icalendar.Timezone:
    """Europe/Copenhagen's VTIMEZONE for the years the file covers (a year either side)."""
    return icalendar.Timezone.from_tzinfo(
        COPENHAGEN,
        tzid=TZID,
        first_date=dt.date(first.year - 1, 1, 1),
        last_date=dt.date(last.year + 2, 1, 1),
    )


def _vevent(event: Event, url: str) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", f"event-{event.id}@{_uid_host()}")
    component.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    component.add("created", event.created_at.astimezone(dt.UTC))
    component.add("last-modified", event.updated_at.astimezone(dt.UTC))
    component.add("sequence", event.sequence)
    component.add("dtstart", exported_time(event.starts_at))
    component.add("dtend", exported_time(event.ends_at))
    component.add("summary", event.title)
    if event.place:
        component.add("location", event.place)
    parts = [kind_label(event)]
    if event.group is not None:
        parts[0] = f"{parts[0]} · {event.group.name}"
    if event.description:
        parts.append(event.description)
    parts.append(url)
    component.add("description", "\n\n".join(parts))
    component.add("url", url)
    component.add("categories", [kind_label(event)])
    return component


def _all_day(release: ReleaseDay, stamp: dt.datetime) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", f"release-{release.cohort_id}-{release.module_id}@{_uid_host()}")
    component.add("dtstamp", stamp.astimezone(dt.UTC))
    component.add("dtstart", release.day)
    component.add("dtend", release.day + dt.timedelta(days=1))
    component.add("summary", release.summary)
    component.add("description", release.url)
    component.add("url", release.url)
    component.add("transp", "TRANSPARENT")  # a day something opens does not make anyone busy
    return component


def calendar_file(
    events: Iterable[Event],
    url_of: Callable[[Event], str],
    *,
    releases: Iterable[ReleaseDay] = (),
    name: str | None = None,
    now: dt.datetime,
) -> bytes:
    """The events (and release days) as one calendar file."""
    events, releases = list(events), list(releases)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TZID)
    days = [event.starts_at.astimezone(COPENHAGEN).date() for event in events]
    days += [event.ends_at.astimezone(COPENHAGEN).date() for event in events]
    if days:
        calendar.add_component(_timezone(min(days), max(days)))
    for event in events:
        calendar.add_component(_vevent(event, url_of(event)))
    for release in releases:
        calendar.add_component(_all_day(release, now))
    return calendar.to_ical()
