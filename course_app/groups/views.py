"""Views of the groups blueprint (being built for issue 4)."""

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("groups", __name__)


@bp.get("/min-ledergruppe")
@login_required
def my_group():
    abort(404)
