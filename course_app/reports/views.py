"""Views of the reports blueprint (being built for issue 4)."""

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("reports", __name__)


@bp.get("/ledergrupper")
@login_required
def group_list():
    abort(404)


@bp.get("/rapport")
@login_required
def programme():
    abort(404)
