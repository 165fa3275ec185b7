"""A course as files in the admin area: download it as a zip in the ``courses/`` format, and upload
such a zip to create or update a course.

The upload runs the same checks as ``course-app courses validate`` and shows every problem with its
file and line; nothing is imported when anything fails. Creating a new course is for platform
admins; updating one is for its editors too. An update retires what left the files and never
deletes, so learners' answers and progress stay.
"""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize

from course_app.admin.blueprint import bp, require_author, require_course_editor
from course_app.core.db import db
from course_app.core.errors import NotAllowed
from course_app.core.forms import BaseForm
from course_app.courses.archive import MAX_ARCHIVE_BYTES, ArchiveError, import_course_zip
from course_app.courses.file_export import export_zip
from course_app.courses.file_import import CourseValidationError
from course_app.courses.models import Course


class CourseUploadForm(BaseForm):
    file = FileField(
        _l("Zip-fil med kursusmappen"),
        validators=[
            FileRequired(_l("Vælg en zip-fil.")),
            FileAllowed(["zip"], _l("Filen skal være en zip-fil (.zip).")),
            FileSize(
                max_size=MAX_ARCHIVE_BYTES,
                message=_l("Filen er for stor: højst %(size)s MB.", size=MAX_ARCHIVE_BYTES >> 20),
            ),
        ],
        render_kw={"accept": ".zip,application/zip"},
    )


@bp.get("/kurser/<int:course_id>/download.zip")
@login_required
def course_download(course_id: int):
    require_course_editor(course_id)
    course = db.session.get(Course, course_id) or abort(404)
    return Response(
        export_zip(course),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{course.slug}.zip"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def _page(form: CourseUploadForm, status: int = 200, **context):
    return render_template(
        "admin/files/upload.html",
        form=form,
        max_upload_mb=MAX_ARCHIVE_BYTES >> 20,
        **context,
    ), status


@bp.route("/kurser/upload", methods=["GET", "POST"])
@login_required
def course_upload():
    viewer = require_author()
    form = CourseUploadForm()
    if not form.validate_on_submit():
        return _page(form, 400 if form.errors else 200)

    def may_import(course: Course | None) -> bool:
        return viewer.is_platform_admin if course is None else viewer.may_edit_course(course.id)

    filename = form.file.data.filename or ""
    try:
        report = import_course_zip(
            form.file.data.read(), actor_id=current_user.id, may_import=may_import
        )
    except ArchiveError as error:
        db.session.rollback()
        return _page(form, 400, filename=filename, archive_problems=error.problems)
    except CourseValidationError as error:
        db.session.rollback()
        return _page(form, 400, filename=filename, file_problems=error.problems)
    except NotAllowed as error:
        db.session.rollback()
        return _page(form, 403, filename=filename, refusal=str(error))
    db.session.commit()
    return render_template(
        "admin/files/imported.html",
        report=report,
        course=report.course,
        filename=filename,
        form=CourseUploadForm(formdata=None),
        max_upload_mb=MAX_ARCHIVE_BYTES >> 20,
    )
