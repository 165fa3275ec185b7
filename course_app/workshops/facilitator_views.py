"""The facilitators of a workshop (``/workshops/<id>/facilitatorer``): those who run the day see the
list; platform admins and the round's coordinators add and remove (others' POSTs: 403); everyone
else 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from course_app.core.db import db
from course_app.core.errors import NotAllowed, ServiceError
from course_app.organisations.access import request_viewer
from course_app.schedule.event_models import Event
from course_app.workshops import facilitators as facilitator_services
from course_app.workshops.blueprint import bp
from course_app.workshops.forms import FacilitatorForm, RemoveFacilitatorForm, posted_id
from course_app.workshops.loading import running_workshop


def _form(event: Event, assigned_ids: set[int]) -> FacilitatorForm:
    form = FacilitatorForm()
    form.user.choices = [SelectChoice("", _("Vælg en person"))] + [
        SelectChoice(str(person.id), person.name)
        for person in facilitator_services.candidates(event)
        if person.id not in assigned_ids
    ]
    return form


def _render(event: Event, may_assign: bool, form: FacilitatorForm | None = None, status=200):
    assigned = facilitator_services.facilitators_of(event)
    return (
        render_template(
            "workshops/facilitators.html",
            event=event,
            assigned=assigned,
            may_assign=may_assign,
            form=form or _form(event, {person.id for person in assigned}),
            remove_form=RemoveFacilitatorForm(formdata=None),
        ),
        status,
    )


@bp.route("/workshops/<int:event_id>/facilitatorer", methods=["GET", "POST"])
@login_required
def facilitators(event_id: int):
    access = running_workshop(event_id)
    event = access.event
    if request.method == "GET":
        return _render(event, access.assigns_facilitators)
    if not access.assigns_facilitators:
        abort(403)
    assigned_ids = {person.id for person in facilitator_services.facilitators_of(event)}
    form = _form(event, assigned_ids)
    if not form.validate_on_submit():
        return _render(event, True, form, 400)
    try:
        added = facilitator_services.assign(event, posted_id(form.user.data), request_viewer())
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except ServiceError as refused:  # not a candidate, or the round is closed
        db.session.rollback()
        form.user.errors = [*form.user.errors, str(refused)]
        return _render(event, True, form, 400)
    db.session.commit()
    if added:
        flash(_("Facilitatoren er tilføjet."), "success")
    else:
        flash(_("Personen var allerede facilitator for workshoppen."), "info")
    return redirect(url_for("workshops.facilitators", event_id=event.id))


@bp.post("/workshops/<int:event_id>/facilitatorer/fjern")
@login_required
def remove_facilitator(event_id: int):
    access = running_workshop(event_id)
    if not access.assigns_facilitators:
        abort(403)
    event = access.event
    form = RemoveFacilitatorForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        removed = facilitator_services.unassign(event, posted_id(form.user.data), request_viewer())
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except ServiceError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("workshops.facilitators", event_id=event.id))
    db.session.commit()
    if removed:
        flash(_("Facilitatoren er fjernet fra workshoppen."), "success")
    else:
        flash(_("Personen var ikke facilitator for workshoppen."), "info")
    return redirect(url_for("workshops.facilitators", event_id=event.id))
