"""The leader group's pages: the group page, the review of one question with comments, the chair's
meeting notes and the printable meeting-preparation sheet. Every foreign or unknown object is 404."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from course_app.cohorts.read_only import RoundClosed
from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound, ServiceError
from course_app.core.forms import ButtonForm
from course_app.courses.models import Module
from course_app.groups import services
from course_app.organisations.access import Viewer, request_viewer
from course_app.reflections.forms import CommentForm, MeetingNoteForm
from course_app.reflections.services import COMMENT_MAX_LENGTH
from course_app.schedule import events

bp = Blueprint("groups", __name__)


@bp.get("/min-ledergruppe")
@login_required
def my_group():
    viewer = request_viewer()
    if viewer.current_group_id is not None:
        return redirect(url_for("groups.group_page", group_id=viewer.current_group_id))
    return render_template("groups/no_group.html", chaired=services.chaired_groups(viewer))


@bp.get("/grupper/<int:group_id>")
@login_required
def group_page(group_id: int):
    viewer = request_viewer()
    try:
        page = services.group_page(viewer, group_id)
    except NotFound:
        abort(404)
    upcoming = page.next_meeting.module if page.next_meeting else None
    return render_template(
        "groups/group.html", page=page, meeting_date=_meeting_date(viewer, page.context, upcoming)
    )


def _meeting_date(
    viewer: Viewer, context: services.GroupContext, module: Module | None
) -> events.MeetingDate | None:
    """A leader meeting's date and place from the round's calendar (``schedule/events.py``)."""
    if context.cohort is None or module is None:
        return None
    return events.meeting_date(viewer, context.group, context.cohort, module)


def _render_review(
    group_id: int,
    block_key: str,
    *,
    typed: dict[int, str] | None = None,
    errors: dict[int, str] | None = None,
    status: int = 200,
):
    """The review page; after a rejected comment it shows the typed text with the error."""
    try:
        page = services.review_page(request_viewer(), group_id, block_key)
    except NotFound:
        abort(404)
    typed = typed or {}
    forms = {}
    for shared in page.answers:
        form = CommentForm(formdata=None)
        form.text.data = typed.get(shared.answer.id, "")
        forms[shared.answer.id] = form
    return (
        render_template(
            "groups/review.html",
            page=page,
            forms=forms,
            errors=errors or {},
            comment_limit=f"{COMMENT_MAX_LENGTH:,}".replace(",", "."),
        ),
        status,
    )


@bp.get("/grupper/<int:group_id>/spoergsmaal/<block_key>")
@login_required
def review(group_id: int, block_key: str):
    return _render_review(group_id, block_key)


@bp.post("/grupper/<int:group_id>/spoergsmaal/<block_key>/svar/<int:answer_id>/kommentarer")
@login_required
def add_comment(group_id: int, block_key: str, answer_id: int):
    viewer = request_viewer()
    # Only the text is read: group, answer and author come from the URL and the signed-in person.
    form = CommentForm()
    text = form.text.data or ""
    if not form.validate_on_submit():
        message = _("Din kommentar blev ikke sendt. Prøv igen – din tekst står her stadig.")
        return _render_review(
            group_id, block_key, typed={answer_id: text}, errors={answer_id: message}, status=400
        )
    try:
        services.add_comment(viewer, group_id, block_key, answer_id, text)
    except NotFound:
        db.session.rollback()
        abort(404)
    except ServiceError as error:
        db.session.rollback()
        return _render_review(
            group_id, block_key, typed={answer_id: text}, errors={answer_id: str(error)}, status=400
        )
    db.session.commit()
    flash(_("Din kommentar er sendt."), "success")
    return redirect(
        url_for(
            "groups.review", group_id=group_id, block_key=block_key, _anchor=f"svar-{answer_id}"
        )
    )


@bp.post("/grupper/<int:group_id>/kommentarer/<int:comment_id>/slet")
@login_required
def delete_comment(group_id: int, comment_id: int):
    viewer = request_viewer()
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        block_key = services.delete_comment(viewer, group_id, comment_id)
    except NotFound:
        db.session.rollback()
        abort(404)
    except RoundClosed as closed:  # the comment stays
        db.session.rollback()
        flash(str(closed), "error")
        return redirect(url_for("groups.group_page", group_id=group_id))
    db.session.commit()
    flash(_("Din kommentar er slettet."), "success")
    return redirect(url_for("groups.review", group_id=group_id, block_key=block_key))


def _meeting_page(group_id: int, module_key: str) -> services.MeetingPage:
    try:
        return services.meeting_page(request_viewer(), group_id, module_key)
    except NotFound:
        abort(404)


def _render_meeting_note(
    page: services.MeetingPage,
    *,
    typed: str | None = None,
    error: str | None = None,
    status: int = 200,
):
    """The meeting note: a form for the chair, the text for everyone else who may read it. After a
    rejected save the chair's text stays in the form; saving again starts from the stored version."""
    form = MeetingNoteForm(formdata=None)
    if page.may_write:
        stored = page.note.note if page.note else None
        form.text.data = typed if typed is not None else (stored.text if stored else "")
        form.version.data = str(stored.version if stored else 0)
    return render_template("groups/meeting_note.html", page=page, form=form, error=error), status


@bp.get("/grupper/<int:group_id>/moeder/<module_key>")
@login_required
def meeting_note(group_id: int, module_key: str):
    return _render_meeting_note(_meeting_page(group_id, module_key))


@bp.post("/grupper/<int:group_id>/moeder/<module_key>")
@login_required
def save_meeting_note(group_id: int, module_key: str):
    page = _meeting_page(group_id, module_key)
    if not page.may_write:
        abort(403)
    form = MeetingNoteForm()
    typed = form.text.data or ""
    if not form.validate_on_submit():
        message = _("Mødenoterne blev ikke gemt. Prøv igen – din tekst står her stadig.")
        return _render_meeting_note(page, typed=typed, error=message, status=400)
    try:
        services.save_meeting_note(
            request_viewer(), group_id, module_key, typed, seen_version=form.seen_version
        )
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except NotFound:
        db.session.rollback()
        abort(404)
    except ServiceError as error:
        db.session.rollback()
        page = _meeting_page(group_id, module_key)
        return _render_meeting_note(page, typed=typed, error=str(error), status=400)
    db.session.commit()
    flash(_("Mødenoterne er gemt."), "success")
    return redirect(url_for("groups.meeting_note", group_id=group_id, module_key=module_key))


@bp.get("/grupper/<int:group_id>/moeder/<module_key>/print")
@login_required
def meeting_sheet(group_id: int, module_key: str):
    viewer = request_viewer()
    try:
        page = services.meeting_page(viewer, group_id, module_key, with_answers=True)
    except NotFound:
        abort(404)
    return render_template(
        "groups/meeting_sheet.html",
        page=page,
        meeting_date=_meeting_date(viewer, page.context, page.meeting.module),
    )
