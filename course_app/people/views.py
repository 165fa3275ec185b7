"""Views of the people blueprint (being built for issue 4)."""

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("people", __name__)


@bp.get("/deltagere/import")
@login_required
def import_people():
    abort(404)
