"""The authoring area's front page: the courses this person may edit."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required
from sqlalchemy import select

from course_app.admin.blueprint import bp, require_author
from course_app.core.db import db
from course_app.courses.models import Course


@bp.get("/")
@login_required
def home():
    viewer = require_author()
    query = select(Course).order_by(Course.title, Course.id)
    if not viewer.is_platform_admin:
        query = query.where(Course.id.in_(viewer.course_editor_of))
    courses = list(db.session.scalars(query))
    return render_template("admin/home.html", courses=courses, may_create=viewer.is_platform_admin)
