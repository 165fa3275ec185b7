"""The workshop list and each workshop's page: for a leader her answer, time and place, her table
and table mates, the preparation and, after the day, its materials; for those who run it the
numbers and the way to the roster, attendance, table plan and run sheet."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from course_app.accounts.models import User
from course_app.core import clock
from course_app.organisations.access import request_viewer
from course_app.schedule.event_models import Event
from course_app.workshops import access as workshop_rules
from course_app.workshops import overview, publishing, signups, tables
from course_app.workshops.blueprint import bp
from course_app.workshops.forms import signup_form_for
from course_app.workshops.loading import workshop_access


@bp.get("/workshops")
@login_required
def workshop_list():
    viewer = request_viewer()
    return render_template(
        "workshops/list.html",
        workshops=overview.workshops_for(viewer),
        may_map_areas=workshop_rules.may_open_area_map(viewer),
    )


@bp.get("/workshops/<int:event_id>")
@login_required
def workshop_page(event_id: int):
    access = workshop_access(event_id)
    event = access.event
    settings = tables.settings_of(event)
    context = {}
    if access.is_attendee:
        context = attendee_context(event, current_user)
    return render_template(
        "workshops/workshop.html",
        access=access,
        event=event,
        settings=settings,
        ended=clock.now() >= event.ends_at,
        preparation=overview.preparation_module(event),
        numbers=overview.numbers(event) if access.runs else None,
        **context,
    )


def attendee_context(event: Event, user: User) -> dict:
    """Her answer and its form (while it can still change), and her table at the published plan."""
    signup = signups.signup_of(event, user)
    return {
        "signup": signup,
        "signup_form": signup_form_for(signup),
        "signup_open": clock.now() < event.starts_at and not event.cohort.is_closed,
        "my_table": publishing.my_table(event, user.id),
    }
