"""The leader's pages: her measurements per round, the intro, the pages of statements, finishing."""

from flask import abort
from flask_login import login_required

from course_app.self_assessment.blueprint import bp


@bp.get("/kompetencehjul")
@login_required
def overview():
    abort(404)
