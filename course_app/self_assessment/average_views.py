"""Average wheels for coordinators and platform admins, with the k-floor."""

from flask import abort
from flask_login import login_required

from course_app.self_assessment.blueprint import bp


@bp.get("/kompetencehjul/gennemsnit")
@login_required
def averages():
    abort(404)
