"""Her wheel: the SVG, its legend, table and text, the outro, printing, and the wheel's private
reflection prompts (``wheel_page.py`` and ``wheel_reflections.py`` hold the logic).

Only she reaches her page: anyone who has neither completed a measurement of the assessment nor is
enrolled in a round using it gets 404, as for an assessment that does not exist or is retired. No
score is flashed or logged, and the reflections are hers alone.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course_app.assessments.models import Assessment
from course_app.core.db import db
from course_app.core.errors import NotFound
from course_app.core.html import classify_video_url
from course_app.self_assessment import texts, wheel_page, wheel_reflections
from course_app.self_assessment.blueprint import bp
from course_app.self_assessment.pseudonyms import SelfAssessmentUnavailable
from course_app.self_assessment.wheel_forms import (
    ReflectionsForm,
    posted_reflections,
    reflections_form,
)

FILM_ANCHOR = "film"


def _assessment(assessment_id: int) -> Assessment:
    try:
        return wheel_page.open_assessment(current_user, assessment_id)
    except NotFound:
        abort(404)


def render_wheel_page(
    assessment: Assessment,
    *,
    form: ReflectionsForm | None = None,
    problems: dict[str, str] | None = None,
    changed: frozenset[str] = frozenset(),
    unknown_texts: tuple[str, ...] = (),
    status: int = 200,
):
    """The page; after a refused save ``form`` is the posted one (her typed texts and the versions
    her page started from). For the prompts in ``changed`` (saved elsewhere meanwhile) it also shows
    the stored text, and the form then carries the stored version: saving again is deliberate."""
    language = texts.language()
    try:
        page = wheel_page.wheel_page(current_user, assessment)
    except SelfAssessmentUnavailable as error:
        return render_template(
            "self_assessment/wheel.html",
            assessment=assessment,
            language=language,
            unavailable=str(error),
        ), 503
    prompts = [reflection.prompt for reflection in page.reflections]
    if form is None:
        form = reflections_form(prompts, formdata=None)
        for reflection in page.reflections:
            form.text_field(reflection.prompt.key).data = reflection.text
            form.version_field(reflection.prompt.key).data = str(reflection.version)
    else:
        for reflection in page.reflections:
            if reflection.prompt.key in changed:
                form.version_field(reflection.prompt.key).data = str(reflection.version)
    film = assessment.outro_video_url.strip()
    return (
        render_template(
            "self_assessment/wheel.html",
            assessment=assessment,
            page=page,
            language=language,
            outro=texts.paragraphs(assessment.outro(language)),
            film=classify_video_url(film) if film else None,
            film_anchor=FILM_ANCHOR,
            play_film=request.args.get("vis") == FILM_ANCHOR,
            form=form,
            problems=problems or {},
            changed=changed,
            unknown_texts=unknown_texts,
            private_text=texts.REFLECTIONS_PRIVATE_TEXT,
            max_length=f"{wheel_reflections.MAX_LENGTH:,}".replace(",", "."),
            dimension_looks=texts.DIMENSION_LOOKS,
            series_looks=texts.SERIES_LOOKS,
        ),
        status,
    )


@bp.get("/kompetencehjul/hjul/<int:assessment_id>")
@login_required
def wheel(assessment_id: int):
    return render_wheel_page(_assessment(assessment_id))


@bp.post("/kompetencehjul/hjul/<int:assessment_id>/refleksioner")
@login_required
def save_reflections(assessment_id: int):
    assessment = _assessment(assessment_id)
    prompts = wheel_reflections.prompts(assessment)
    form = reflections_form(prompts)
    posted = posted_reflections(request.form)
    known = {prompt.key for prompt in prompts}
    unknown_texts = tuple(
        sent.text for key, sent in posted.items() if key not in known and sent.text.strip()
    )
    if not form.validate_on_submit():
        message = _("Dine refleksioner blev ikke gemt. Prøv igen – din tekst står her stadig.")
        return render_wheel_page(
            assessment, form=form, problems={"": message}, unknown_texts=unknown_texts, status=422
        )
    try:
        wheel_reflections.save_reflections(current_user, assessment, posted)
    except wheel_reflections.ReflectionsChanged as error:
        db.session.rollback()
        problems = {"": str(error)}
        problems.update(
            (key, _("Gemt et andet sted, siden du åbnede siden: se den gemte udgave herunder."))
            for key in error.changed
        )
        return render_wheel_page(
            assessment,
            form=form,
            problems=problems,
            changed=error.changed,
            unknown_texts=unknown_texts,
            status=409,
        )
    except wheel_reflections.ReflectionsRefused as error:
        db.session.rollback()
        problems = dict(error.problems)
        if "" not in problems:
            problems = {"": _("Dine refleksioner blev ikke gemt. Ret det markerede, og gem igen.")}
            problems.update(error.problems)
        return render_wheel_page(
            assessment, form=form, problems=problems, unknown_texts=unknown_texts, status=422
        )
    db.session.commit()
    flash(_("Dine refleksioner er gemt."), "success")
    return redirect(
        url_for("self_assessment.wheel", assessment_id=assessment.id, _anchor="refleksioner"),
        code=302,
    )


def recover_reflections_after_csrf_failure():
    """For ``configure_error_pages(csrf_recovery=…)``: a CSRF failure on the reflections (e.g. the
    session expired while she wrote) shows the page again with her typed texts."""
    if not current_user.is_authenticated or not request.view_args:
        return None
    try:
        assessment = wheel_page.open_assessment(current_user, request.view_args["assessment_id"])
    except NotFound:
        return None
    prompts = wheel_reflections.prompts(assessment)
    form = reflections_form(prompts, meta={"csrf": False})
    message = _(
        "Dine refleksioner blev ikke gemt, fordi siden var for gammel. Din tekst står her "
        "stadig – tryk på knappen igen for at gemme."
    )
    return render_wheel_page(assessment, form=form, problems={"": message}, status=400)
