"""Authoring a course in the browser: the outline, a form per item and "preview as leader" (order,
publishing, retiring and deleting are in ``item_views``). Thin views: load, check the role, call
the courses services, commit, redirect. Every course-scoped route checks ``require_course_editor``
before loading anything.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from course_app.admin.blueprint import bp, require_author
from course_app.admin.forms import (
    BLOCK_FORMS,
    CourseForm,
    EditForm,
    LessonForm,
    ModuleForm,
    MoveForm,
    MoveToForm,
    RestoreForm,
    StatusForm,
)
from course_app.admin.items import course_item, editable_course, outline_url
from course_app.core.db import db
from course_app.core.html import classify_video_url, render_markdown
from course_app.courses import authoring, authoring_rules, block_authoring, outlines, relocation
from course_app.courses import goals as goal_services
from course_app.courses.film_moments import parse_start
from course_app.courses.models import Block, BlockType, Course, Lesson, Module
from course_app.learning.forms import VISIBILITY_CHOICES, AnswerFields
from course_app.learning.preview import preview_page
from course_app.resources import services as resources

BLOCK_TYPES = "text, video, reflection, workshop_prep, resource"


def _goal_choices(form: EditForm, course: Course) -> None:
    if "goals" in form:
        form.goals.choices = [
            SelectChoice(goal.key, goal.title) for goal in goal_services.goals_of(course)
        ]


def _outline_form(form_class, course: Course, item: Module | Lesson | None = None, **fields):
    """A module or lesson form with the course's goals to choose from, filled from ``item`` (and
    ``fields``) when editing it."""
    data = None
    if item is not None:
        data = {
            "title": item.title,
            "intro": item.intro,
            "goals": [goal.key for goal in item.goals],
            **fields,
        }
    form = form_class(data=data)
    _goal_choices(form, course)
    return form


def _edit(form: EditForm, template: str, save, done_message: str, **context):
    """Save through ``save(data) -> redirect target``, or show the Markdown preview; a rejected
    form comes back with what was typed and the errors at their fields."""
    preview = None
    invalid = False
    if form.validate_on_submit():
        if form.preview.data:
            preview = {name: render_markdown(form[name].data) for name in form.markdown_fields}
        else:
            try:
                target = save(form.data_for_service())
            except authoring_rules.InvalidData as error:
                db.session.rollback()
                invalid = True
                form.general_errors = []
                for name, messages in error.errors.items():
                    messages = messages if isinstance(messages, list) else [messages]
                    if name in form:
                        form[name].errors = [*form[name].errors, *messages]
                    else:
                        form.general_errors.extend(messages)
            else:
                db.session.commit()
                flash(done_message, "success")
                return redirect(target)
    status = 400 if invalid or (request.method == "POST" and form.errors) else 200
    return render_template(template, form=form, preview=preview, **context), status


# --- Courses ------------------------------------------------------------------------------------


@bp.route("/kurser/ny", methods=["GET", "POST"])
@login_required
def course_new():
    viewer = require_author()
    if not viewer.is_platform_admin:
        abort(403)
    form = CourseForm()

    def save(data):
        course = authoring.create_course(data, actor=current_user)
        return url_for("admin.course", course_id=course.id)

    return _edit(form, "admin/course_form.html", save, _("Kurset er oprettet."), course=None)


@bp.get("/kurser/<int:course_id>")
@login_required
def course(course_id: int):
    course = editable_course(course_id)
    return render_template(
        "admin/course.html",
        course=course,
        outline=outlines.author_outline(course),
        move_form=MoveForm(),
        status_form=StatusForm(),
        restore_form=RestoreForm(),
    )


@bp.route("/kurser/<int:course_id>/rediger", methods=["GET", "POST"])
@login_required
def course_edit(course_id: int):
    course = editable_course(course_id)
    form = CourseForm(
        data={"title": course.title, "language": course.language, "summary": course.summary}
    )
    del form.slug

    def save(data):
        authoring.update_course(course, data, actor=current_user)
        return url_for("admin.course", course_id=course.id)

    return _edit(form, "admin/course_form.html", save, _("Kurset er gemt."), course=course)


# --- Modules and lessons ------------------------------------------------------------------------


@bp.route("/kurser/<int:course_id>/nyt-modul", methods=["GET", "POST"])
@login_required
def module_new(course_id: int):
    course = editable_course(course_id)
    form = _outline_form(ModuleForm, course)

    def save(data):
        module = authoring.create_module(course, data, actor=current_user)
        return outline_url(course, module)

    return _edit(
        form,
        "admin/module_form.html",
        save,
        _("Modulet er oprettet som kladde."),
        course=course,
        module=None,
    )


@bp.route("/kurser/<int:course_id>/moduler/<module_key>", methods=["GET", "POST"])
@login_required
def module_edit(course_id: int, module_key: str):
    course = editable_course(course_id)
    module = course_item(course, "moduler", module_key)
    form = _outline_form(ModuleForm, course, module, mode=module.mode.value)

    def save(data):
        authoring.update_module(module, data, actor=current_user)
        return outline_url(course, module)

    return _edit(
        form, "admin/module_form.html", save, _("Modulet er gemt."), course=course, module=module
    )


@bp.route("/kurser/<int:course_id>/moduler/<module_key>/ny-lektion", methods=["GET", "POST"])
@login_required
def lesson_new(course_id: int, module_key: str):
    course = editable_course(course_id)
    module = course_item(course, "moduler", module_key)
    form = _outline_form(LessonForm, course)

    def save(data):
        lesson = authoring.create_lesson(module, data, actor=current_user)
        return outline_url(course, lesson)

    return _edit(
        form,
        "admin/lesson_form.html",
        save,
        _("Lektionen er oprettet som kladde."),
        course=course,
        module=module,
        lesson=None,
    )


@bp.route("/kurser/<int:course_id>/lektioner/<lesson_key>", methods=["GET", "POST"])
@login_required
def lesson_edit(course_id: int, lesson_key: str):
    course = editable_course(course_id)
    lesson = course_item(course, "lektioner", lesson_key)
    form = _outline_form(
        LessonForm,
        course,
        lesson,
        completion=lesson.completion.value,
        watched_percent=lesson.watched_percent,
    )

    def save(data):
        authoring.update_lesson(lesson, data, actor=current_user)
        return outline_url(course, lesson)

    return _edit(
        form,
        "admin/lesson_form.html",
        save,
        _("Lektionen er gemt."),
        course=course,
        module=lesson.module,
        lesson=lesson,
        # Made only when the page is shown (a saved form redirects without it).
        move_form=lambda: _move_form(
            (module.key, module.title) for module in relocation.modules_elsewhere(lesson)
        ),
    )


# --- Blocks -------------------------------------------------------------------------------------


def _block_form(block_type: BlockType, block: Block | None):
    form_class = BLOCK_FORMS[block_type.value]
    if block is None:
        data = {"required": block_type == BlockType.REFLECTION}
    else:
        data = dict(block.data)
        data["goals"] = [goal.key for goal in block.goals]
        if block_type == BlockType.VIDEO:
            data["chapters"] = block_authoring.chapter_lines(block.data.get("chapters"))
            data["allow_link"] = classify_video_url(block.data.get("url", "")).kind == "link"
        if block_type in (BlockType.REFLECTION, BlockType.WORKSHOP_PREP):
            data["required"] = block.is_required
        if "material" in data:
            data["material"] = str(data["material"])
    return form_class(data=data)


def _material_choices(form, course: Course) -> None:
    if hasattr(form, "material"):
        form.material.choices = [
            SelectChoice("", _("Intet materiale – brug adressen herunder")),
            *(SelectChoice(value, label) for value, label in resources.material_choices(course.id)),
        ]


def _move_form(targets) -> MoveToForm:
    form = MoveToForm(formdata=None)
    form.target.choices = [SelectChoice(key, label) for key, label in targets]
    return form


def _film_choices(form, lesson: Lesson) -> None:
    if hasattr(form, "video"):
        form.video.choices = [
            SelectChoice("", _("Filmen over spørgsmålet")),
            *(
                SelectChoice(film.key, film.data.get("title") or film.key)
                for film in block_authoring.lesson_films(lesson)
            ),
        ]


def _block_service_data(form) -> tuple[dict, bool]:
    data = form.data_for_service()
    return data, bool(data.pop("allow_link", False))


@bp.route(
    f"/kurser/<int:course_id>/lektioner/<lesson_key>/ny-blok/<any({BLOCK_TYPES}):block_type>",
    methods=["GET", "POST"],
)
@login_required
def block_new(course_id: int, lesson_key: str, block_type: str):
    course = editable_course(course_id)
    lesson = course_item(course, "lektioner", lesson_key)
    kind = BlockType(block_type)
    form = _block_form(kind, None)
    _goal_choices(form, course)
    _material_choices(form, course)
    _film_choices(form, lesson)

    def save(_data):
        data, allow_link = _block_service_data(form)
        block = block_authoring.create_block(
            lesson, kind, data, actor=current_user, allow_link=allow_link
        )
        return outline_url(course, block)

    return _edit(
        form,
        "admin/block_form.html",
        save,
        _("Blokken er oprettet."),
        course=course,
        lesson=lesson,
        block=None,
        block_type=kind.value,
    )


@bp.route("/kurser/<int:course_id>/blokke/<block_key>", methods=["GET", "POST"])
@login_required
def block_edit(course_id: int, block_key: str):
    course = editable_course(course_id)
    block = course_item(course, "blokke", block_key)
    form = _block_form(block.type, block)
    _goal_choices(form, course)
    _material_choices(form, course)
    _film_choices(form, block.lesson)

    def save(_data):
        data, allow_link = _block_service_data(form)
        block_authoring.update_block(block, data, actor=current_user, allow_link=allow_link)
        return outline_url(course, block)

    return _edit(
        form,
        "admin/block_form.html",
        save,
        _("Blokken er gemt."),
        course=course,
        lesson=block.lesson,
        block=block,
        block_type=block.type.value,
        move_form=lambda: _move_form(
            (lesson.key, f"{lesson.module.title} – {lesson.title}")
            for lesson in relocation.lessons_elsewhere(block)
        ),
    )


# --- Preview as leader --------------------------------------------------------------------------


@bp.get("/kurser/<int:course_id>/moduler/<module_key>/forhaandsvisning")
@login_required
def module_preview(course_id: int, module_key: str):
    """The leader's module page (the same template), as a leader without answers will see it once
    the module and the course are published; the answer forms are switched off."""
    course = editable_course(course_id)
    module = course_item(course, "moduler", module_key)
    if module.retired_at is not None:
        abort(404)
    include_drafts = request.args.get("kladder") == "1"
    preview = preview_page(module, include_drafts=include_drafts)
    return render_template(
        "admin/preview.html",
        enrolment=preview.enrolment,
        page=preview.page,
        forms=dict.fromkeys(preview.question_keys, AnswerFields(version="")),
        errors={},
        visibility_choices=VISIBILITY_CHOICES,
        play=request.args.get("vis"),
        start=parse_start(request.args.get("t")),
        classify_video_url=classify_video_url,
        preview=True,
        preview_course=course,
        preview_module=module,
        include_drafts=include_drafts,
        hidden_drafts=preview.hidden_drafts,
    )
