"""The privacy pages: "Hent alle mine data" (Min konto) and erasing a person (its confirmation page
and the erasure). Thin: check who may, call ``export`` or ``erasure``, commit once, redirect."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course_app.core import clock
from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound
from course_app.core.security import safe_next_url
from course_app.organisations.access import request_viewer
from course_app.privacy import archive, erasure
from course_app.privacy.forms import EraseForm

bp = Blueprint("privacy", __name__)


@bp.app_template_test("anonymised_email")
def anonymised_email(email: str) -> bool:
    """``row.email is anonymised_email``: lists offer no erasure for a person already erased."""
    return email.endswith(f"@{erasure.PLACEHOLDER_DOMAIN}")


@bp.get("/konto/mine-data.zip")
@login_required
def my_data():
    """Everything about the signed-in person, and only her (nothing in the URL names a person)."""
    now = clock.now()
    data = archive.export_zip(current_user._get_current_object(), now)
    name = f"mine-data-{clock.local_day(now).isoformat()}.zip"
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/personer/<int:user_id>/slet-data", methods=["GET", "POST"])
@login_required
def erase_person(user_id: int):
    """The confirmation page (GET changes nothing) and the erasure (POST with the box ticked)."""
    viewer = request_viewer()
    try:
        person = erasure.person_to_erase(viewer, user_id)
    except NotFound:
        abort(404)
    except NotAllowed:
        abort(403)
    back = safe_next_url(request.values.get("next"), url_for("rounds.round_list"))
    if erasure.is_anonymised(person):
        if request.method == "POST":
            flash(_("Personens data er allerede slettet."), "info")
            return redirect(back)
        return render_template("privacy/erase.html", person=person, form=None, back=back)
    form = EraseForm()
    if form.validate_on_submit():
        erasure.erase_person(viewer, person, clock.now())
        db.session.commit()
        flash(_("Personens data er slettet. Kontoen er nu anonym og kan ikke bruges."), "success")
        return redirect(back)
    status = 400 if form.errors else 200
    return render_template("privacy/erase.html", person=person, form=form, back=back), status
