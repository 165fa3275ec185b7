"""Learning goals in the admin area: the coverage page (every goal with the modules, lessons and
questions that serve it, flagging goals nothing serves yet), create and edit a goal, retire and
restore it, and choose the content that serves it (one form per goal, plain checkboxes: works
without JavaScript)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from course_app.admin.blueprint import bp, require_course_editor
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.forms import BaseForm, ButtonForm
from course_app.courses import goals as goal_services
from course_app.courses.models import BlockType, Course, LearningGoal


class GoalForm(BaseForm):
    title = StringField(
        _l("Titel"),
        validators=[
            DataRequired(_l("Skriv en titel på målet.")),
            Length(
                max=goal_services.MAX_TITLE_LENGTH,
                message=_l(
                    "Titlen er for lang: højst %(limit)s tegn.",
                    limit=goal_services.MAX_TITLE_LENGTH,
                ),
            ),
        ],
    )
    description = TextAreaField(
        _l("Beskrivelse (kan være tom)"),
        validators=[
            Length(
                max=goal_services.MAX_DESCRIPTION_LENGTH,
                message=_l(
                    "Beskrivelsen er for lang: højst %(limit)s tegn.",
                    limit=goal_services.MAX_DESCRIPTION_LENGTH,
                ),
            )
        ],
        render_kw={"rows": 4},
    )


class GoalTagsForm(BaseForm):
    """Checkboxes (rendered by the template, grouped by module and lesson) for the content that
    serves the goal; the choices are the course's active modules, lessons and questions."""

    modules = SelectMultipleField(coerce=int)
    lessons = SelectMultipleField(coerce=int)
    questions = SelectMultipleField(coerce=int)


def _course(course_id: int) -> Course:
    require_course_editor(course_id)
    return db.session.get(Course, course_id) or abort(404)


def _goal(course: Course, goal_id: int) -> LearningGoal:
    return goal_services.find_goal(course, goal_id) or abort(404)


def _data(form: GoalForm) -> goal_services.GoalInput:
    return goal_services.GoalInput(
        title=form.title.data or "", description=form.description.data or ""
    )


def question_label(block) -> str:
    kind = _("Workshopforberedelse") if block.type == BlockType.WORKSHOP_PREP else _("Spørgsmål")
    prompt = " ".join(str(block.data.get("prompt", "")).split())
    if len(prompt) > 120:
        prompt = prompt[:117] + "…"
    return f"{kind}: {prompt}" if prompt else f"{kind}: {block.key}"


@bp.get("/kurser/<int:course_id>/maal")
@login_required
def goals(course_id: int):
    course = _course(course_id)
    coverage = goal_services.goal_coverage(course)
    return render_template(
        "admin/goals/coverage.html",
        course=course,
        coverage=coverage,
        uncovered=sum(1 for item in coverage if not item.is_covered),
        retired=goal_services.goals_of(course, retired=True),
        restore_form=ButtonForm(),
        question_label=question_label,
    )


@bp.route("/kurser/<int:course_id>/maal/nyt", methods=["GET", "POST"])
@login_required
def goal_new(course_id: int):
    course = _course(course_id)
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goal = goal_services.create_goal(course, _data(form), actor=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                _(
                    "Målet »%(title)s« er oprettet. Vælg nu det indhold, der understøtter det.",
                    title=goal.title,
                ),
                "success",
            )
            return redirect(url_for("admin.goal_tags", course_id=course.id, goal_id=goal.id))
    return render_template(
        "admin/goals/edit.html", course=course, goal=None, form=form
    ), 400 if form.errors else 200


@bp.route("/kurser/<int:course_id>/maal/<int:goal_id>", methods=["GET", "POST"])
@login_required
def goal_edit(course_id: int, goal_id: int):
    course = _course(course_id)
    goal = _goal(course, goal_id)
    form = GoalForm(obj=goal)
    if form.validate_on_submit():
        try:
            changed = goal_services.update_goal(goal, _data(form), actor=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            if changed:
                flash(_("Målet »%(title)s« er gemt.", title=goal.title), "success")
            else:
                flash(_("Der var ingen ændringer at gemme."), "info")
            return redirect(url_for("admin.goals", course_id=course.id))
    return render_template(
        "admin/goals/edit.html",
        course=course,
        goal=goal,
        form=form,
        retire_form=ButtonForm(formdata=None),
    ), 400 if form.errors else 200


@bp.route("/kurser/<int:course_id>/maal/<int:goal_id>/indhold", methods=["GET", "POST"])
@login_required
def goal_tags(course_id: int, goal_id: int):
    course = _course(course_id)
    goal = _goal(course, goal_id)
    if goal.retired_at is not None:
        flash(_("Målet er udgået. Genopret det, før du vælger indhold til det."), "error")
        return redirect(url_for("admin.goals", course_id=course.id))
    outline = goal_services.taggable_outline(course)
    form = GoalTagsForm()
    if not form.is_submitted():
        form = GoalTagsForm(
            formdata=None,
            modules=[m.module.id for m in outline if goal in m.module.goals],
            lessons=[ls.lesson.id for m in outline for ls in m.lessons if goal in ls.lesson.goals],
            questions=[
                q.id for m in outline for ls in m.lessons for q in ls.questions if goal in q.goals
            ],
        )
    form.modules.choices = [(m.module.id, m.module.title) for m in outline]
    form.lessons.choices = [(ls.lesson.id, ls.lesson.title) for m in outline for ls in m.lessons]
    form.questions.choices = [
        (q.id, question_label(q)) for m in outline for ls in m.lessons for q in ls.questions
    ]
    if form.validate_on_submit():
        tags = goal_services.GoalTags(
            module_ids=frozenset(form.modules.data or ()),
            lesson_ids=frozenset(form.lessons.data or ()),
            question_ids=frozenset(form.questions.data or ()),
        )
        try:
            changed = goal_services.set_goal_tags(goal, tags, actor=current_user)
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("admin.goal_tags", course_id=course.id, goal_id=goal.id))
        db.session.commit()
        if changed:
            flash(_("Indholdet til målet »%(title)s« er gemt.", title=goal.title), "success")
        else:
            flash(_("Der var ingen ændringer at gemme."), "info")
        return redirect(url_for("admin.goals", course_id=course.id) + f"#maal-{goal.id}")
    return render_template(
        "admin/goals/tags.html",
        course=course,
        goal=goal,
        form=form,
        outline=outline,
        selected={
            "modules": set(form.modules.data or ()),
            "lessons": set(form.lessons.data or ()),
            "questions": set(form.questions.data or ()),
        },
        question_label=question_label,
    ), 400 if form.errors else 200


@bp.post("/kurser/<int:course_id>/maal/<int:goal_id>/udgaa")
@login_required
def goal_retire(course_id: int, goal_id: int):
    course = _course(course_id)
    goal = _goal(course, goal_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if goal_services.retire_goal(goal, actor=current_user):
        db.session.commit()
        flash(
            _(
                "Målet »%(title)s« er udgået. Du kan genoprette det nederst på siden.",
                title=goal.title,
            ),
            "success",
        )
    return redirect(url_for("admin.goals", course_id=course.id))


@bp.post("/kurser/<int:course_id>/maal/<int:goal_id>/genopret")
@login_required
def goal_restore(course_id: int, goal_id: int):
    course = _course(course_id)
    goal = _goal(course, goal_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if goal_services.restore_goal(goal, actor=current_user):
        db.session.commit()
        flash(_("Målet »%(title)s« er genoprettet.", title=goal.title), "success")
    return redirect(url_for("admin.goals", course_id=course.id) + f"#maal-{goal.id}")
