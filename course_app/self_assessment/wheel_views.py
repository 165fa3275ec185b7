"""Her wheel: the SVG, its table and text, and the wheel's private reflection prompts."""

from flask import abort
from flask_login import login_required

from course_app.self_assessment.blueprint import bp


@bp.get("/kompetencehjul/hjul/<int:assessment_id>")
@login_required
def wheel(assessment_id: int):
    abort(404)
