"""The table plan for those who run a workshop: settings and a proposal, a move form per person
(no JavaScript needed), the rules the plan breaks, publishing; the materials after the day; and
the run sheet for the day itself (printable)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from course_app.cohorts.read_only import RoundClosed
from course_app.core import clock
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.organisations.access import request_viewer
from course_app.workshops import plan_page, publishing, run_sheet, tables
from course_app.workshops.blueprint import bp
from course_app.workshops.loading import running_workshop
from course_app.workshops.model import GroupPolicy
from course_app.workshops.plan_forms import MaterialsForm, MoveForm, PlanSettingsForm, PublishForm


def _plan_url(event_id: int, anchor: str = "") -> str:
    return url_for("workshops.table_plan", event_id=event_id) + (f"#{anchor}" if anchor else "")


def _render(event_id: int, status: int = 200, **forms):
    access = running_workshop(event_id)
    page = plan_page.build(access.event)
    settings = page.settings
    if "settings_form" not in forms:
        forms["settings_form"] = PlanSettingsForm(
            formdata=None,
            min_size=settings.min_size,
            max_size=settings.max_size,
            max_tables=settings.max_tables,
            group_policy=settings.group_policy.value,
            seed=settings.seed,
        )
    forms.setdefault("publish_form", PublishForm(formdata=None))
    forms.setdefault("materials_form", MaterialsForm(formdata=None, materials=settings.materials))
    for form in forms.values():  # a retry after a refusal applies to the plan as shown now
        form.version.data = str(settings.version)
    return (
        render_template(
            "workshops/plan.html",
            access=access,
            event=access.event,
            page=page,
            **forms,
        ),
        status,
    )


@bp.get("/workshops/<int:event_id>/bordplan")
@login_required
def table_plan(event_id: int):
    return _render(event_id)


def _refused(event_id: int, error: ServiceError, **forms):
    db.session.rollback()
    status = 409 if isinstance(error, tables.PlanChanged) else 400
    if isinstance(error, RoundClosed):
        status = 403
    flash(str(error), "error")
    return _render(event_id, status, **forms)


@bp.post("/workshops/<int:event_id>/bordplan/forslag")
@login_required
def make_plan(event_id: int):
    access = running_workshop(event_id)
    form = PlanSettingsForm()
    if not form.validate():
        return _render(event_id, 400, settings_form=form)
    data = tables.SettingsInput(
        min_size=form.min_size.data,
        max_size=form.max_size.data,
        max_tables=form.max_tables.data,
        group_policy=GroupPolicy(form.group_policy.data),
        seed=form.seed.data,
    )
    try:
        result = tables.make_plan(
            access.event,
            data,
            seen_version=form.seen_version(),
            actor=request_viewer(),
            now=clock.now(),
        )
    except ServiceError as error:
        return _refused(event_id, error, settings_form=form)
    db.session.commit()
    if result.plan is None:
        flash(
            _("Der blev ikke lavet en bordplan: %(reason)s", reason=str(result.refusal.message)),
            "error",
        )
    else:
        flash(
            _("Forslaget er lavet. Antal borde: %(count)d.", count=len(result.plan.tables)),
            "success",
        )
    return redirect(_plan_url(event_id))


@bp.post("/workshops/<int:event_id>/bordplan/flyt")
@login_required
def move_person(event_id: int):
    access = running_workshop(event_id)
    form = MoveForm()
    person_id = form.person_id()
    if not form.validate() or person_id is None:
        flash(_("Flytningen blev ikke gemt: skriv bordets nummer som et helt tal."), "error")
        return _render(event_id, 400)
    try:
        moved = tables.move(
            access.event,
            person_id,
            form.table.data,
            seen_version=form.seen_version(),
            actor=request_viewer(),
            now=clock.now(),
        )
    except ServiceError as error:
        return _refused(event_id, error)
    db.session.commit()
    flash(_("Flyttet til bord %(table)d.", table=moved.after), "success")
    for message in plan_page.broken_by_move(access.event, moved):
        flash(_("Planen bryder nu: %(rule)s", rule=message), "error")
    return redirect(_plan_url(event_id, f"person-{person_id}"))


@bp.post("/workshops/<int:event_id>/bordplan/offentliggoer")
@login_required
def publish_plan(event_id: int):
    access = running_workshop(event_id)
    form = PublishForm()
    if not form.validate():
        return _render(event_id, 400, publish_form=form)
    try:
        published = publishing.publish(
            access.event,
            seen_version=form.seen_version(),
            despite_violations=form.despite_violations.data,
            actor=request_viewer(),
            now=clock.now(),
        )
    except ServiceError as error:
        return _refused(event_id, error, publish_form=form)
    db.session.commit()
    flash(
        _(
            "Bordplanen er offentliggjort. Antal, der får en e-mail om en ny plads: %(count)d.",
            count=published.notified,
        ),
        "success",
    )
    return redirect(_plan_url(event_id))


@bp.post("/workshops/<int:event_id>/materialer")
@login_required
def save_materials(event_id: int):
    access = running_workshop(event_id)
    form = MaterialsForm()
    if not form.validate():
        return _render(event_id, 400, materials_form=form)
    try:
        settings = tables.claim_version(
            access.event, form.seen_version(), request_viewer(), clock.now()
        )
    except ServiceError as error:
        return _refused(event_id, error, materials_form=form)
    settings.materials = (form.materials.data or "").strip()
    db.session.commit()
    flash(_("Materialerne er gemt."), "success")
    return redirect(_plan_url(event_id, "materialer"))


@bp.get("/workshops/<int:event_id>/koereplan")
@login_required
def run_sheet_page(event_id: int):
    access = running_workshop(event_id)
    return render_template(
        "workshops/run_sheet.html",
        access=access,
        event=access.event,
        sheet=run_sheet.build(access.event),
    )
