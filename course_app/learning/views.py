"""The leader's pages: "Mit forløb", module pages, answering questions and marking lessons done."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Enrolment
from course_app.core import clock, spreadsheet
from course_app.core.db import db
from course_app.core.errors import NotFound, ServiceError
from course_app.core.forms import ButtonForm
from course_app.core.html import classify_video_url
from course_app.courses.film_moments import parse_start
from course_app.learning import services
from course_app.learning.forms import VISIBILITY_CHOICES, AnswerFields, AnswerForm
from course_app.learning.timeline import ModuleLocked
from course_app.organisations.access import request_viewer
from course_app.progress import film_views
from course_app.reflections.services import AnswerChanged
from course_app.schedule import upcoming as upcoming_events

bp = Blueprint("learning", __name__)


def _own_enrolment(cohort_id: int) -> Enrolment:
    enrolment = cohorts.enrolment_of(current_user, cohort_id)
    if enrolment is None:
        abort(404)
    return enrolment


@bp.get("/")
def index():
    """The site name's address: the person's home (``home.index`` picks it from her roles)."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("accounts.sign_in"))


@bp.get("/mit-forloeb")
@login_required
def dashboard():
    enrolments = cohorts.enrolments_of(current_user)
    now = clock.now()
    timelines = services.dashboard_timelines(enrolments, now)
    upcoming = upcoming_events.upcoming_for_leader(
        [enrolment.cohort_id for enrolment in enrolments], request_viewer().current_group_id, now
    )
    return render_template(
        "learning/dashboard.html",
        overviews=list(zip(enrolments, timelines, strict=True)),
        upcoming=upcoming,
        has_role=request_viewer().has_role,
    )


def render_locked_page(enrolment: Enrolment, locked: ModuleLocked):
    """A friendly page for a module that has not opened yet: its title and when it opens, never its
    content (403: the leader may not use it yet)."""
    return render_template("learning/locked.html", enrolment=enrolment, locked=locked), 403


def render_module_page(
    enrolment: Enrolment,
    module_key: str,
    *,
    typed: dict[str, str] | None = None,
    typed_visibility: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    typed_version: dict[str, str] | None = None,
    changed: frozenset[str] = frozenset(),
    status: int = 200,
):
    """The module page; after a rejected form it shows what the leader typed (and chose), with the
    error, and keeps the version her page started from (``typed_version``), so a stale tab stays
    stale across other errors. For the questions in ``changed`` (saved elsewhere meanwhile) it also
    shows the stored text, and the form then carries the stored version: saving again is a
    deliberate choice."""
    try:
        page = services.module_page(enrolment, module_key, clock.now(), viewer=request_viewer())
    except NotFound:
        abort(404)
    except ModuleLocked as locked:
        return render_locked_page(enrolment, locked)
    typed = typed or {}
    typed_visibility = typed_visibility or {}
    forms = {}
    for lesson in page.module.lessons:
        for block in lesson.outline.questions:
            answer = page.answers.get(block.id)
            forms[block.key] = AnswerFields(
                text=typed.get(block.key, answer.text if answer else ""),
                version=(typed_version or {}).get(block.key, str(answer.version if answer else 0)),
                visibility=typed_visibility.get(block.key)
                or (answer.visibility.value if answer else "private"),
            )
    return (
        render_template(
            "learning/module.html",
            enrolment=enrolment,
            page=page,
            forms=forms,
            errors=errors or {},
            changed=changed,
            visibility_choices=VISIBILITY_CHOICES,
            play=request.args.get("vis"),
            start=parse_start(request.args.get("t")),
            classify_video_url=classify_video_url,
        ),
        status,
    )


@bp.get("/forloeb/<int:cohort_id>/mine-svar.csv")
@login_required
def my_answers(cohort_id: int):
    """The leader's own answers as a spreadsheet (only ever their own: the enrolment is theirs)."""
    enrolment = _own_enrolment(cohort_id)
    return spreadsheet.csv_response(
        services.my_answers_table(enrolment),
        filename=f"mine-svar-{enrolment.cohort.course.slug}.csv",
        separator=spreadsheet.separator_from(request.args.get("separator")),
    )


@bp.get("/forloeb/<int:cohort_id>/moduler/<module_key>")
@login_required
def module(cohort_id: int, module_key: str):
    return render_module_page(_own_enrolment(cohort_id), module_key)


@bp.post("/forloeb/<int:cohort_id>/svar/<block_key>")
@login_required
def answer(cohort_id: int, block_key: str):
    enrolment = _own_enrolment(cohort_id)
    form = AnswerForm()
    text = form.text.data or ""
    try:
        block = services.question_block(enrolment, block_key)
    except NotFound:
        abort(404)
    module_key = block.lesson.module.key
    # Extra fields (group_id, shared_group_id, user_id …) are never read: the group is the author's own.
    share = {"private": False, "group": True}.get(form.visibility.data or "")
    chosen = {block_key: form.visibility.data} if share is not None else {}
    seen = {block_key: _version_text(form.seen_version)}

    def refused(message: str, status: int = 400, **extra):
        """The module page again with her text, her choice and why it was not saved."""
        return render_module_page(
            enrolment,
            module_key,
            typed={block_key: text},
            typed_visibility=chosen,
            errors={block_key: message},
            status=status,
            **extra,
        )

    if not form.validate_on_submit():
        message = _("Dit svar blev ikke gemt. Prøv igen – din tekst står her stadig.")
        return refused(message, typed_version=seen)
    submit = bool(form.submit_answer.data)
    try:
        result = services.answer_question(
            enrolment,
            block_key,
            text,
            submit=submit,
            share=share,
            now=clock.now(),
            seen_version=form.seen_version,
        )
    except ModuleLocked as locked:
        db.session.rollback()
        return render_locked_page(enrolment, locked)
    except AnswerChanged as error:
        db.session.rollback()
        return refused(str(error), 409, changed=frozenset({block_key}))
    except ServiceError as error:
        db.session.rollback()
        return refused(str(error), typed_version=seen)
    db.session.commit()
    flash(_("Dit svar er indsendt.") if submit else _("Din kladde er gemt."), "success")
    if result.visibility_changed:
        flash(
            _("Dit svar er nu delt med din ledergruppe med dit navn.")
            if share
            else _("Dit svar er nu privat – kun du kan se det."),
            "success",
        )
    return redirect(
        url_for(
            "learning.module",
            cohort_id=cohort_id,
            module_key=module_key,
            _anchor=f"blok-{block_key}",
        )
    )


def _json(text: str | None) -> object:
    try:
        return json.loads(text) if text and len(text) <= 10_000 else None
    except ValueError:
        return None


@bp.post("/forloeb/<int:cohort_id>/film/<block_key>")
@login_required
def film_view(cohort_id: int, block_key: str):
    """The film script's report of where the leader is in a film and what she has played: JSON with
    the CSRF token in a header, or the same JSON in a form field ``report`` beside ``csrf_token``
    (as a beacon sends it). 204 when stored; 202 when it came too soon after the last one and was
    dropped quietly (the script sends what it played again with its next report)."""
    enrolment = _own_enrolment(cohort_id)
    report = request.get_json(silent=True) if request.is_json else _json(request.form.get("report"))
    try:
        stored = services.record_film_view(enrolment, block_key, report, now=clock.now())
    except NotFound:
        abort(404)
    except ModuleLocked:
        db.session.rollback()
        return {"error": "locked"}, 403
    except film_views.BadReport:
        db.session.rollback()
        return {"error": "bad report"}, 400
    except ServiceError:  # a closed round
        db.session.rollback()
        return {"error": "closed"}, 409
    db.session.commit()
    return ("", 204) if stored else ("", 202)


@bp.post("/forloeb/<int:cohort_id>/lektioner/<lesson_key>/<any(faerdig, 'ikke-faerdig'):action>")
@login_required
def complete(cohort_id: int, lesson_key: str, action: str):
    enrolment = _own_enrolment(cohort_id)
    try:
        module_key = services.lesson_module_key(enrolment, lesson_key)
    except NotFound:
        abort(404)
    back = url_for(
        "learning.module",
        cohort_id=cohort_id,
        module_key=module_key,
        _anchor=f"lektion-{lesson_key}",
    )
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.complete_lesson(
            enrolment,
            lesson_key,
            done=action == "faerdig",
            now=clock.now(),
            film_script=request.form.get("filmscript") == "1",  # set by static/js/film/moments.js
        )
    except ModuleLocked as locked:
        db.session.rollback()
        return render_locked_page(enrolment, locked)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    if action == "faerdig":
        flash(_("Lektionen er markeret som færdig."), "success")
    return redirect(back)


def _version_text(version: int | None) -> str:
    """A posted version as the form carries it back ("" when there was none, or nonsense)."""
    return "" if version is None else str(version)


def recover_answer_after_csrf_failure():
    """A CSRF failure on an answer (e.g. the session expired during a film) keeps the typed text."""
    if not current_user.is_authenticated or not request.view_args:
        return None
    cohort_id = request.view_args["cohort_id"]
    block_key = request.view_args["block_key"]
    enrolment = cohorts.enrolment_of(current_user, cohort_id)
    if enrolment is None:
        return None
    try:
        block = services.question_block(enrolment, block_key)
    except NotFound:
        return None
    text = request.form.get("text", "")
    visibility = request.form.get("visibility", "")
    version = request.form.get("version", "")
    message = _(
        "Dit svar blev ikke gemt, fordi siden var for gammel. Din tekst står her stadig – "
        "tryk på knappen igen for at gemme."
    )
    return render_module_page(
        enrolment,
        block.lesson.module.key,
        typed={block_key: text},
        typed_visibility={block_key: visibility} if visibility in ("private", "group") else {},
        typed_version={block_key: version if version.isascii() and version.isdigit() else ""},
        errors={block_key: message},
        status=400,
    )
