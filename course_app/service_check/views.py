"""The service check's pages ("Servicetjek", under ``/servicetjek``): the hub with a leader's
bookings and free times, booking, moving, cancelling and the questions in advance; the booking's
``.ics``; the coordinators' and admins' counts. The supporters' pages are ``supporter_views``.

Thin: load through ``access`` (404 for what the person may not see, 403 for a page of a role she
lacks), call a service, e-mail through the outbox in the same transaction, commit once, redirect. A
refused form is shown again with what she typed.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from course_app.cohorts.read_only import RoundClosed
from course_app.core import clock
from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound
from course_app.core.forms import BaseForm, ButtonForm, parse_day
from course_app.core.links import absolute_url
from course_app.organisations.access import request_viewer
from course_app.schedule.event_text import clock_text, when_text
from course_app.service_check import access, booking, counts, mails, overview
from course_app.service_check.calendar_file import booking_file as make_booking_file
from course_app.service_check.forms import BookingForm, ChangeForm, QuestionsForm
from course_app.service_check.models import ServiceCheckSlot

bp = Blueprint("service_check", __name__)


@bp.app_template_filter("slot_when")
def _slot_when(slot: ServiceCheckSlot) -> str:
    return when_text(slot)  # type: ignore[arg-type]  # reads starts_at and ends_at only


@bp.app_template_filter("service_check_day")
def _day_value(moment: dt.datetime) -> str:
    """The Copenhagen day of an instant, as the day page's ``dato`` (2026-12-07)."""
    return mails.day_param(moment)


@bp.app_template_filter("service_check_clock")
def _clock_value(moment: dt.datetime) -> str:
    return clock_text(moment)


def unique_ids(form: BaseForm, prefix: str) -> BaseForm:
    """Give the form's fields ids of their own (several forms on one page), names unchanged."""
    for field in form:
        if field.type in ("CSRFTokenField", "SubmitField"):
            continue
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id
    return form


def slot_label(slot: ServiceCheckSlot) -> str:
    where = slot.place or _("Online")
    if slot.place and slot.online_link:
        where = _("%(place)s eller online", place=slot.place)
    return _(
        "%(when)s · %(where)s · med %(name)s",
        when=_slot_when(slot),
        where=where,
        name=slot.supporter.name,
    )


def _slot_choices(slots: list[ServiceCheckSlot]) -> list[SelectChoice]:
    return [SelectChoice(slot.id, slot_label(slot)) for slot in slots]


def _render_home(failed: dict[str, BaseForm] | None = None, status: int = 200):
    """The hub: the leader's rounds with her forms (a refused one as it was posted), the supporter's
    and the counting staff's links."""
    failed = failed or {}
    viewer = request_viewer()
    now = clock.now()
    rounds = overview.leader_rounds(viewer, now, _shown_day())
    forms: dict[str, BaseForm] = {}
    for line in rounds:
        choices = _slot_choices(line.free)
        if line.booking is None:
            key = f"book-{line.cohort.id}"
            form = failed.get(key) or BookingForm(formdata=None)
            form.slot.choices = choices
            forms[key] = unique_ids(form, f"forloeb{line.cohort.id}")
            continue
        if f"book-{line.cohort.id}" in failed:  # refused: she has a booking already
            forms[f"book-{line.cohort.id}"] = failed[f"book-{line.cohort.id}"]
        key = f"questions-{line.booking.id}"
        form = failed.get(key) or QuestionsForm(formdata=None, questions=line.booking.questions)
        forms[key] = unique_ids(form, f"booking{line.booking.id}")
        key = f"change-{line.booking.id}"
        form = failed.get(key) or ChangeForm(formdata=None)
        form.slot.choices = choices
        forms[key] = unique_ids(form, f"flyt{line.booking.id}")
    return render_template(
        "service_check/home.html",
        rounds=rounds,
        forms=forms,
        button=ButtonForm(),
        is_supporter=viewer.is_supporter,
        counted_rounds=access.counted_rounds(viewer),
        change_hours=booking.change_hours(),
        now=now,
    ), status


def _shown_day() -> dt.date | None:
    """The day whose free times to list (``?dato=2027-01-12``, or the forms' hidden field after a
    refused POST, so the leader sees the times she chose from); None: each round's first."""
    text = request.values.get("dato", "")
    try:
        return parse_day(text) if text else None
    except ValueError:
        return None


def _refuse_closed(closed: RoundClosed):
    db.session.rollback()
    flash(str(closed), "error")
    return redirect(url_for("service_check.home"))


@bp.get("/servicetjek")
@login_required
def home():
    return _render_home()


def _chosen_slot(form: BookingForm | ChangeForm) -> ServiceCheckSlot | None:
    """The slot the leader chose (404 for one she may not see); None when she chose none."""
    if form.slot.data is None:
        form.slot.errors = [*form.slot.errors, _("Vælg en tid.")]
        return None
    try:
        return access.slot_for_leader(request_viewer(), form.slot.data)
    except NotFound:
        abort(404)


def _refused(key: str, form: BaseForm, refused: booking.BookingRefused):
    db.session.rollback()
    field = refused.field if refused.field in form else "slot"
    form[field].errors = [*form[field].errors, str(refused)]
    return _render_home({key: form}, 409 if refused.conflict else 400)


@bp.post("/servicetjek/forloeb/<int:cohort_id>/book")
@login_required
def book(cohort_id: int):
    viewer = request_viewer()
    try:
        cohort = access.leader_round(viewer, cohort_id)
    except NotFound:
        abort(404)
    form = BookingForm()
    key = f"book-{cohort.id}"
    if not form.validate_on_submit():
        return _render_home({key: form}, 400)
    slot = _chosen_slot(form)
    if slot is None:
        return _render_home({key: form}, 400)
    if slot.cohort_id != cohort.id:
        abort(404)
    try:
        made = booking.book(viewer, slot, form.questions.data or "", now=clock.now())
    except RoundClosed as closed:
        return _refuse_closed(closed)
    except booking.BookingRefused as refused:
        return _refused(key, form, refused)
    mails.tell_leader(mails.LeaderMail.BOOKED, current_user, slot, made)
    mails.tell_supporter(mails.SupporterMail.BOOKED, current_user, slot)
    db.session.commit()
    flash(
        _("Din tid er booket: %(when)s. Du får en bekræftelse på e-mail.", when=_slot_when(slot)),
        "success",
    )
    return redirect(url_for("service_check.home"))


def _own_booking(booking_id: int):
    try:
        return access.own_booking(request_viewer(), booking_id)
    except NotFound:
        abort(404)


@bp.post("/servicetjek/booking/<int:booking_id>/flyt")
@login_required
def change(booking_id: int):
    own = _own_booking(booking_id)
    form = ChangeForm()
    key = f"change-{own.id}"
    if not form.validate_on_submit():
        return _render_home({key: form}, 400)
    slot = _chosen_slot(form)
    if slot is None:
        return _render_home({key: form}, 400)
    old_slot = own.slot
    try:
        booking.change(own, slot, now=clock.now())
    except RoundClosed as closed:
        return _refuse_closed(closed)
    except booking.BookingRefused as refused:
        return _refused(key, form, refused)
    mails.tell_leader(mails.LeaderMail.CHANGED, current_user, slot, own)
    if old_slot.supporter_id != slot.supporter_id:
        mails.tell_supporter(mails.SupporterMail.CANCELLED, current_user, old_slot)
        mails.tell_supporter(mails.SupporterMail.BOOKED, current_user, slot)
    else:
        mails.tell_supporter(mails.SupporterMail.CHANGED, current_user, slot)
    db.session.commit()
    flash(_("Din tid er flyttet til %(when)s.", when=_slot_when(slot)), "success")
    return redirect(url_for("service_check.home"))


@bp.post("/servicetjek/booking/<int:booking_id>/spoergsmaal")
@login_required
def questions(booking_id: int):
    own = _own_booking(booking_id)
    form = QuestionsForm()
    key = f"questions-{own.id}"
    if not form.validate_on_submit():
        return _render_home({key: form}, 400)
    try:
        booking.update_questions(own, form.questions.data or "", now=clock.now())
    except RoundClosed as closed:
        return _refuse_closed(closed)
    except booking.BookingRefused as refused:
        return _refused(key, form, refused)
    db.session.commit()
    flash(_("Dine spørgsmål er gemt. Kun du og din supporter kan læse dem."), "success")
    return redirect(url_for("service_check.home"))


@bp.post("/servicetjek/booking/<int:booking_id>/aflys")
@login_required
def cancel(booking_id: int):
    own = _own_booking(booking_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        slot = booking.cancel(own, now=clock.now())
    except RoundClosed as closed:
        return _refuse_closed(closed)
    except booking.BookingRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("service_check.home"))
    mails.tell_leader(mails.LeaderMail.CANCELLED, current_user, slot, own)
    mails.tell_supporter(mails.SupporterMail.CANCELLED, current_user, slot)
    db.session.commit()
    flash(_("Din tid er aflyst. Du kan booke en ny, når det passer dig."), "success")
    return redirect(url_for("service_check.home"))


@bp.get("/servicetjek/booking/<int:booking_id>.ics")
@login_required
def booking_file(booking_id: int):
    viewer = request_viewer()
    try:
        found = access.readable_booking(viewer, booking_id)
    except NotFound:
        abort(404)
    for_supporter = found.user_id != viewer.user_id
    page = (
        absolute_url("service_check.day", dato=mails.day_param(found.slot.starts_at))
        if for_supporter
        else absolute_url("service_check.home")
    )
    body = make_booking_file(found, for_supporter=for_supporter, page_url=page)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="servicetjek-{found.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/servicetjek/forloeb/<int:cohort_id>/overblik")
@login_required
def round_counts(cohort_id: int):
    """Counts only, for coordinators (their organisation's part) and platform admins."""
    try:
        cohort, organisation_ids = access.counted_organisations(request_viewer(), cohort_id)
    except NotAllowed:
        abort(403)
    except NotFound:
        abort(404)
    return render_template(
        "service_check/counts.html",
        cohort=cohort,
        counts=counts.round_counts(cohort.id, organisation_ids),
        whole_round=organisation_ids is None,
    )


from course_app.service_check import supporter_views  # noqa: E402, F401 - attaches its routes to bp
