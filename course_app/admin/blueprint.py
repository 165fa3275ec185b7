"""The ``admin`` blueprint and its access check. View modules attach their routes to ``bp``;
``course_app.admin.views`` imports them all so that registering the blueprint registers every route."""

from __future__ import annotations

from flask import Blueprint, abort

from course_app.organisations.access import Viewer, request_viewer

bp = Blueprint("admin", __name__, url_prefix="/admin")


def require_author() -> Viewer:
    """Platform admins and course editors may enter the authoring area; everyone else gets 403."""
    viewer = request_viewer()
    if not viewer.may_author:
        abort(403)
    return viewer


def require_course_editor(course_id: int) -> Viewer:
    """The course's editors and platform admins; 403 for other authors, as for everyone else."""
    viewer = require_author()
    if not viewer.may_edit_course(course_id):
        abort(403)
    return viewer
