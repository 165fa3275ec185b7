"""The home (``/forside``): where the site name and signing in lead. One role: straight on to its
page; several: a page with a section for each. And a coordinator's overview of her organisation."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from course_app.core import clock
from course_app.core.errors import NotAllowed, NotFound
from course_app.home import services
from course_app.home.choice import Section, choose_home
from course_app.organisations.access import request_viewer

bp = Blueprint("home", __name__)


@bp.get("/forside")
@login_required
def index():
    viewer = request_viewer()
    roles = services.roles_for(viewer)
    home = choose_home(roles)
    if not home.is_home_page:
        return redirect(url_for(home.landing.endpoint, **home.landing.url_values))
    page = services.home_page(viewer, roles, current_user, clock.now())
    return render_template("home/index.html", page=page, sections=Section, viewer=viewer)


@bp.get("/organisationer/<int:organisation_id>")
@login_required
def organisation(organisation_id: int):
    try:
        overview = services.organisation_overview(request_viewer(), organisation_id)
    except NotAllowed:
        abort(403)
    except NotFound:
        abort(404)
    return render_template("home/organisation.html", overview=overview)
