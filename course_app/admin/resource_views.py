"""Course material in the admin area: list and upload (``admin.resources``), delete with a
confirmation page (``admin.resource_delete``). The course's editors and platform admins only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import login_required

from course_app.admin.blueprint import bp, require_course_editor
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.forms import ButtonForm
from course_app.courses.models import Course
from course_app.resources import services as resources
from course_app.resources.forms import UploadForm

# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 1024 * 1024


@bp.record_once
def _allow_large_uploads(state: BlueprintSetupState) -> None:
    """Uploads may be bigger than the site-wide MAX_CONTENT_LENGTH, on this one route only. The limit
    must be raised before CSRFProtect's own before-request hook reads the body, so this hook goes
    first. A body far over the limit is refused there with the 413 error page."""
    state.app.before_request_funcs.setdefault(None, []).insert(0, _raise_limit_for_uploads)


def _raise_limit_for_uploads() -> None:
    if request.endpoint == "admin.resources" and request.method == "POST":
        request.max_content_length = resources.max_upload_bytes() + FORM_OVERHEAD_BYTES


def _course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    return course


@bp.route("/kurser/<int:course_id>/materialer", methods=["GET", "POST"], endpoint="resources")
@login_required
def resources_page(course_id: int):
    viewer = require_course_editor(course_id)
    course = _course(course_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload = resources.Upload(form.file.data.filename or "", form.file.data.stream)
        try:
            resource = resources.upload_resource(
                course, upload, title=form.title.data or "", actor=viewer
            )
        except ServiceError as error:
            db.session.rollback()
            form.file.errors = [str(error)]
            status = 413 if isinstance(error, resources.FileTooLarge) else 400
            return _render_list(course, form), status
        db.session.commit()
        flash(_("»%(title)s« er uploadet.", title=resource.title), "success")
        return redirect(url_for("admin.resources", course_id=course.id))
    return _render_list(course, form), 400 if form.errors else 200


def _render_list(course: Course, form: UploadForm) -> str:
    return render_template(
        "admin/resources/list.html",
        course=course,
        form=form,
        resources=resources.resources_of(course.id),
        type_label=resources.type_label,
        max_size=resources.format_size(resources.max_upload_bytes()),
        allowed_extensions=resources.allowed_extensions_text(),
    )


@bp.route("/kurser/<int:course_id>/materialer/<int:resource_id>/slet", methods=["GET", "POST"])
@login_required
def resource_delete(course_id: int, resource_id: int):
    viewer = require_course_editor(course_id)
    course = _course(course_id)
    resource = resources.find_resource(course.id, resource_id)
    if resource is None:
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        resources.delete_resource(resource, actor=viewer)
        db.session.commit()
        resources.remove_deleted_file(resource)
        flash(_("»%(title)s« er slettet.", title=resource.title), "success")
        return redirect(url_for("admin.resources", course_id=course.id))
    return render_template(
        "admin/resources/delete.html",
        course=course,
        resource=resource,
        form=form,
        type_label=resources.type_label,
    )
