"""A leader's "kommer / kommer ikke" (posted from the workshop page's ``_signup.html``), the
phone-friendly attendance list for those who run the day, and the sign-up report with its CSV.

Attendance is saved robustly: the list posts, beside each ticked box (``came``), the people it
showed as came (hidden ``was``). Only the differences are saved: ticked now but not shown ticked →
came; shown ticked but no longer ticked → did not come; everyone else is left alone. So two phones
saving at once, or one phone saving twice, never undo each other's marks.

Who reaches what: the answer, leaders enrolled in the round (others who may see the workshop: 403;
the rest 404); the list and the report, those who run the workshop (``loading.running_workshop``:
404 for everyone else, a leader of the round too).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from course_app.core import clock
from course_app.core.db import db
from course_app.core.errors import NotAllowed, ServiceError
from course_app.core.forms import ButtonForm
from course_app.core.spreadsheet import csv_response, separator_from
from course_app.organisations.access import request_viewer
from course_app.schedule.event_models import Event
from course_app.workshops import attendance as attendance_report
from course_app.workshops import signups
from course_app.workshops.blueprint import bp
from course_app.workshops.forms import COMING, posted_ids, signup_form_for
from course_app.workshops.loading import running_workshop, workshop_access

__all__ = ["signup_context", "signup_form_for"]

SECTIONS = (
    (True, _l("Kommer")),
    (None, _l("Har ikke svaret")),
    (False, _l("Kommer ikke")),
)


def signup_open(event: Event) -> bool:
    return clock.now() < event.starts_at and not event.cohort.is_closed


def signup_context(event: Event, user_id: int) -> dict:
    """What ``_signup.html`` needs besides ``access`` and ``event``."""
    signup = signups.signup_of(event, current_user) if current_user.id == user_id else None
    return {
        "signup": signup,
        "signup_form": signup_form_for(signup),
        "signup_open": signup_open(event),
    }


@bp.post("/workshops/<int:event_id>/svar")
@login_required
def answer(event_id: int):
    access = workshop_access(event_id)
    if not access.is_attendee:
        abort(403)
    event = access.event
    back = redirect(url_for("workshops.workshop_page", event_id=event.id))
    form = signup_form_for(None)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            flash(
                _("Siden var for gammel. Vælg dit svar igen, og tryk på »Gem mit svar«."), "error"
            )
        else:
            flash(_("Vælg, om du kommer."), "error")
        return back
    coming = form.coming.data == COMING
    try:
        signups.answer(event, current_user, coming, clock.now())
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except ServiceError as refused:  # started, or the round is closed
        db.session.rollback()
        flash(str(refused), "error")
        return back
    db.session.commit()
    if coming:
        flash(_("Tak. Du er meldt til workshoppen."), "success")
    else:
        flash(_("Tak. Du har meldt, at du ikke kommer."), "success")
    return back


def _render_attendance(event: Event, status: int = 200):
    rows = signups.roster(event, clock.now())
    coming = [row for row in rows if row.coming is True]
    return (
        render_template(
            "workshops/attendance.html",
            event=event,
            rows=rows,
            sections=[(value, str(label)) for value, label in SECTIONS],
            form=ButtonForm(formdata=None),
            closed=event.cohort.is_closed,
            coming_count=len(coming),
            came_of_coming=sum(1 for row in coming if row.attended),
            came_count=sum(1 for row in rows if row.attended),
        ),
        status,
    )


@bp.route("/workshops/<int:event_id>/fremmoede", methods=["GET", "POST"])
@login_required
def attendance(event_id: int):
    event = running_workshop(event_id).event
    if request.method == "GET":
        return _render_attendance(event)
    if not ButtonForm().validate_on_submit():
        flash(_("Siden var for gammel, så intet blev gemt. Sæt fluebenene igen, og gem."), "error")
        return _render_attendance(event, 400)
    came = posted_ids(request.form.getlist("came"))
    was = posted_ids(request.form.getlist("was"))
    if came is None or was is None:
        flash(_("Listen kunne ikke læses, så intet blev gemt. Indlæs siden igen."), "error")
        return _render_attendance(event, 400)
    try:
        changed = signups.mark_attendance(
            event, request_viewer(), clock.now(), came=came - was, did_not_come=was - came
        )
    except NotAllowed:
        db.session.rollback()
        abort(404)
    except ServiceError as refused:  # people outside the round, or the round is closed
        db.session.rollback()
        flash(str(refused), "error")
        return _render_attendance(event, 400)
    db.session.commit()
    if changed:
        flash(_("Fremmødet er gemt."), "success")
    else:
        flash(_("Intet var ændret."), "info")
    return redirect(url_for("workshops.attendance", event_id=event.id))


@bp.get("/workshops/<int:event_id>/tilmeldinger")
@login_required
def signup_report(event_id: int):
    event = running_workshop(event_id).event
    return render_template(
        "workshops/signup_report.html",
        event=event,
        report=attendance_report.attendance_report(event, clock.now()),
    )


@bp.get("/workshops/<int:event_id>/tilmeldinger.csv")
@login_required
def signup_report_export(event_id: int):
    event = running_workshop(event_id).event
    report = attendance_report.attendance_report(event, clock.now())
    return csv_response(
        attendance_report.report_csv_rows(report),
        filename=f"workshop-{event.id}-tilmeldinger.csv",
        separator=separator_from(request.args.get("separator")),
    )
