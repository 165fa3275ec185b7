"""What an author does to an item of the outline as a whole, modules, lessons and blocks alike:
move it, publish or withdraw it (the course too), retire, restore or delete it. Kept apart from the
editing forms in ``course_views``; the same thin shape: load, check the role, call
the courses services, commit, redirect.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from course_app.admin.blueprint import bp
from course_app.admin.forms import (
    DeleteForm,
    MoveForm,
    MoveToForm,
    RestoreForm,
    RetireForm,
    StatusForm,
)
from course_app.admin.items import course_item, editable_course, outline_url
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.courses import authoring, authoring_rules, block_authoring, lifecycle, relocation
from course_app.courses.file_schema import ID_PATTERN
from course_app.courses.models import Block, Course, Lesson, Module

ITEM = "/kurser/<int:course_id>/<any(moduler, lektioner, blokke):kind>/<item_key>"


def _describe(item) -> str:
    if isinstance(item, Block):
        return block_authoring.block_summary(item.type, item.data)
    return item.title


@bp.post("/kurser/<int:course_id>/status")
@login_required
def course_status(course_id: int):
    course = editable_course(course_id)
    return _set_status(course, course)


@bp.post("/kurser/<int:course_id>/<any(moduler, lektioner):kind>/<item_key>/status")
@login_required
def item_status(course_id: int, kind: str, item_key: str):
    course = editable_course(course_id)
    return _set_status(course, course_item(course, kind, item_key))


def _set_status(course: Course, item):
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    publish = form.publish.data == "1"
    try:
        authoring.set_published(item, publish, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(outline_url(course, item if not isinstance(item, Course) else None))
    db.session.commit()
    flash(
        _("»%(title)s« er offentliggjort.", title=item.title)
        if publish
        else _("»%(title)s« er trukket tilbage og er nu en kladde.", title=item.title),
        "success",
    )
    return redirect(outline_url(course, item if not isinstance(item, Course) else None))


@bp.post(f"{ITEM}/flyt")
@login_required
def item_move(course_id: int, kind: str, item_key: str):
    course = editable_course(course_id)
    item = course_item(course, kind, item_key)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        authoring.move_item(item, form.direction.data, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
    return redirect(outline_url(course, item))


@bp.post("/kurser/<int:course_id>/<any(lektioner, blokke):kind>/<item_key>/flyt-til")
@login_required
def item_relocate(course_id: int, kind: str, item_key: str):
    """A lesson to another module, a block to another lesson (``courses.relocation``)."""
    course = editable_course(course_id)
    item = course_item(course, kind, item_key)
    form = MoveToForm()
    if not form.validate_on_submit():
        abort(400)
    parent = Module if kind == "lektioner" else Lesson
    key = form.target.data or ""
    # A key as keys are made (never a NUL, which PostgreSQL refuses in a query): else no target.
    target = (
        db.session.scalar(select(parent).where(parent.course_id == course.id, parent.key == key))
        if ID_PATTERN.fullmatch(key)
        else None
    )
    try:
        if target is None:
            raise relocation.MoveRefused(_("Vælg, hvor det skal flyttes hen."))
        if kind == "lektioner":
            relocation.move_lesson(item, target, actor=current_user)
        else:
            relocation.move_block(item, target, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(outline_url(course, item))
    db.session.commit()
    flash(
        _("»%(title)s« er flyttet til »%(target)s«.", title=_describe(item), target=target.title),
        "success",
    )
    return redirect(outline_url(course, item))


def _confirmed(
    course: Course,
    item,
    kind: str,
    form,
    template: str,
    *,
    act: Callable[[], object],
    refusal: type[ServiceError],
    refused: Callable[[ServiceError], None],
    done: Callable[[], str],
    **context,
):
    """The page retiring and deleting share: it asks first; a valid POST does ``act()`` and goes
    back to the outline with ``done()``'s message, or, when ``act`` raises ``refusal``, shows the
    page again with what ``refused`` made of it (400, as for a broken form)."""
    status = 200
    if form.validate_on_submit():
        try:
            act()
        except refusal as error:
            db.session.rollback()
            refused(error)
            status = 400
        else:
            db.session.commit()
            flash(done(), "success")
            return redirect(outline_url(course))
    elif request.method == "POST":
        status = 400
    return render_template(
        template, course=course, item=item, kind=kind, title=_describe(item), form=form, **context
    ), status


@bp.route(f"{ITEM}/udfas", methods=["GET", "POST"])
@login_required
def item_retire(course_id: int, kind: str, item_key: str):
    course = editable_course(course_id)
    item = course_item(course, kind, item_key)
    form = RetireForm()

    def ask_for_confirmation(_error: ServiceError) -> None:
        form.confirm_answers.errors = [
            _("Sæt hak for at bekræfte, at du vil udfase, selv om der er svar.")
        ]

    return _confirmed(
        course,
        item,
        kind,
        form,
        "admin/confirm_retire.html",
        act=lambda: lifecycle.retire_item(
            item, actor=current_user, confirm_answers=form.confirm_answers.data
        ),
        refusal=authoring_rules.NeedsConfirmation,
        refused=ask_for_confirmation,
        done=lambda: _("»%(title)s« er udfaset.", title=_describe(item)),
        answers=lifecycle.answer_count(item),
    )


@bp.route(f"{ITEM}/slet", methods=["GET", "POST"])
@login_required
def item_delete(course_id: int, kind: str, item_key: str):
    course = editable_course(course_id)
    item = course_item(course, kind, item_key)
    return _confirmed(
        course,
        item,
        kind,
        DeleteForm(),
        "admin/confirm_delete.html",
        act=lambda: lifecycle.delete_item(item, actor=current_user),
        refusal=ServiceError,
        refused=lambda error: flash(str(error), "error"),
        done=lambda: _("Indholdet er slettet."),
        check=lifecycle.deletable(item),
    )


@bp.post(f"{ITEM}/genopret")
@login_required
def item_restore(course_id: int, kind: str, item_key: str):
    course = editable_course(course_id)
    item = course_item(course, kind, item_key)
    if not RestoreForm().validate_on_submit():
        abort(400)
    lifecycle.restore_item(item, actor=current_user)
    db.session.commit()
    flash(_("»%(title)s« er genoprettet.", title=_describe(item)), "success")
    return redirect(outline_url(course, item))
