"""The supporter's pages: her rounds, her slots in a round (offer and cancel times), and "Dagens
aftaler" (the bookings of a day with the leaders' names and questions, the short note and
"afholdt"). Routes attach to ``views.bp``; everyone without the role gets 403, another supporter's
slot or booking 404."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from course_app.cohorts.models import Cohort
from course_app.cohorts.read_only import RoundClosed
from course_app.core import clock
from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound, ServiceError
from course_app.core.forms import ButtonForm, parse_day
from course_app.organisations.access import Viewer, request_viewer
from course_app.schedule.event_text import when_text
from course_app.service_check import access, mails, overview, slots
from course_app.service_check.forms import OutcomeForm, SlotForm
from course_app.service_check.views import bp, unique_ids


def _supporter() -> Viewer:
    viewer = request_viewer()
    try:
        access.require_supporter(viewer)
    except NotAllowed:
        abort(403)
    return viewer


def _round(cohort_id: int) -> tuple[Viewer, Cohort]:
    viewer = _supporter()
    try:
        return viewer, access.round_for_supporter(viewer, cohort_id)
    except NotFound:
        abort(404)


@bp.get("/servicetjek/tider")
@login_required
def supporter_rounds():
    viewer = _supporter()
    return render_template(
        "service_check/supporter_rounds.html",
        rounds=overview.supporter_rounds(viewer),
        today=clock.local_day(clock.now()),
    )


def _render_round(viewer: Viewer, cohort: Cohort, form: SlotForm, status: int = 200):
    return render_template(
        "service_check/supporter_round.html",
        cohort=cohort,
        lines=slots.supporter_slots(viewer, cohort.id),
        form=form,
        button=ButtonForm(),
        now=clock.now(),
    ), status


@bp.route("/servicetjek/forloeb/<int:cohort_id>/tider", methods=["GET", "POST"])
@login_required
def round_slots(cohort_id: int):
    viewer, cohort = _round(cohort_id)
    if request.method == "GET":
        return _render_round(viewer, cohort, SlotForm(formdata=None))
    form = SlotForm()
    if not form.validate_on_submit():
        return _render_round(viewer, cohort, form, 400)
    try:
        slot = slots.create_slot(viewer, cohort, form.slot_input(), now=clock.now())
    except RoundClosed as closed:
        db.session.rollback()
        flash(str(closed), "error")
        return redirect(url_for("service_check.round_slots", cohort_id=cohort.id))
    except slots.SlotProblems as refused:
        db.session.rollback()
        form.show_problems(refused.problems)
        return _render_round(viewer, cohort, form, 400)
    db.session.commit()
    flash(_("Tiden %(when)s er oprettet og kan nu bookes.", when=when_text(slot)), "success")
    return redirect(url_for("service_check.round_slots", cohort_id=cohort.id))


@bp.post("/servicetjek/tider/<int:slot_id>/aflys")
@login_required
def cancel_slot(slot_id: int):
    viewer = _supporter()
    try:
        slot = access.own_slot(viewer, slot_id)
    except NotFound:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        removed = slots.cancel_slot(slot, now=clock.now())
    except ServiceError as refused:  # a closed round, or a slot already cancelled or past
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("service_check.round_slots", cohort_id=slot.cohort_id))
    if removed is not None:
        mails.tell_leader(mails.LeaderMail.SLOT_CANCELLED, removed.user, slot, removed)
    db.session.commit()
    flash(
        _("Tiden er aflyst, og lederen har fået besked.")
        if removed is not None
        else _("Tiden er aflyst."),
        "success",
    )
    return redirect(url_for("service_check.round_slots", cohort_id=slot.cohort_id))


def _day() -> dt.date:
    """The day asked for (``?dato=2026-12-07``), today when none or one that cannot be read."""
    text = request.args.get("dato", "")
    try:
        return parse_day(text) if text else clock.local_day(clock.now())
    except ValueError:
        return clock.local_day(clock.now())


def _render_day(viewer: Viewer, chosen: dt.date, failed: dict[int, OutcomeForm], status: int = 200):
    bookings = overview.day_bookings(viewer, chosen)
    forms = {
        found.id: unique_ids(
            failed.get(found.id)
            or OutcomeForm(
                formdata=None, outcome_note=found.outcome_note, held=found.held_at is not None
            ),
            f"udfald{found.id}",
        )
        for found in bookings
    }
    today = clock.local_day(clock.now())
    return render_template(
        "service_check/day.html",
        day=chosen,
        bookings=bookings,
        forms=forms,
        previous_day=chosen - dt.timedelta(days=1),
        next_day=chosen + dt.timedelta(days=1),
        is_today=chosen == today,
        today=today,
        now=clock.now(),
    ), status


@bp.get("/servicetjek/dag")
@login_required
def day():
    return _render_day(_supporter(), _day(), {})


@bp.post("/servicetjek/booking/<int:booking_id>/udfald")
@login_required
def outcome(booking_id: int):
    viewer = _supporter()
    try:
        found = access.booking_of_own_slot(viewer, booking_id)
    except NotFound:
        abort(404)
    form = OutcomeForm()
    chosen = clock.local_day(found.slot.starts_at)
    if not form.validate_on_submit():
        return _render_day(viewer, chosen, {found.id: form}, 400)
    try:
        overview.save_outcome(
            found, form.outcome_note.data or "", bool(form.held.data), now=clock.now()
        )
    except RoundClosed as closed:
        db.session.rollback()
        flash(str(closed), "error")
        return redirect(url_for("service_check.day", dato=chosen.isoformat()))
    except ServiceError as refused:
        db.session.rollback()
        form.outcome_note.errors = [*form.outcome_note.errors, str(refused)]
        return _render_day(viewer, chosen, {found.id: form}, 400)
    db.session.commit()
    flash(_("Noten er gemt."), "success")
    return redirect(url_for("service_check.day", dato=chosen.isoformat()) + f"#booking-{found.id}")
