"""Load a workshop for the signed-in person, or answer 404: one place for every views module."""

from __future__ import annotations

from flask import abort, g

from course_app.core.errors import NotFound
from course_app.organisations.access import request_viewer
from course_app.schedule import event_access, events
from course_app.schedule.event_models import EventKind
from course_app.workshops.access import WorkshopAccess, access_for


def workshop_access(event_id: int) -> WorkshopAccess:
    """The workshop and what the person may do with it; 404 when she may not see it at all (also for
    events that are not workshops, and ids no row can have)."""
    cached = g.get("workshop_access")
    if cached is not None and cached.event.id == event_id:
        return cached
    try:
        event = events.event_by_id(event_id)
    except NotFound:
        abort(404)
    if event.kind != EventKind.WORKSHOP:
        abort(404)
    access = access_for(
        request_viewer(), event, event_access.cohort_organisation_ids(event.cohort_id)
    )
    if not access.may_see:
        abort(404)
    g.workshop_access = access
    return access


def running_workshop(event_id: int) -> WorkshopAccess:
    """For the pages of those who run the day: 404 for everyone else (a leader of the round too, so
    the roster's existence is not confirmed to her)."""
    access = workshop_access(event_id)
    if not access.runs:
        abort(404)
    return access
