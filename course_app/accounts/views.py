"""Sign in, sign out and the language switch."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from course_app.accounts import services
from course_app.accounts.forms import LanguageForm, SignInForm
from course_app.core.db import db
from course_app.core.forms import ButtonForm
from course_app.core.security import safe_next_url

bp = Blueprint("accounts", __name__)


def _fresh_session() -> None:
    """Start a new session on sign-in and sign-out, keeping only the chosen language."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


@bp.route("/log-ind", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            _fresh_session()  # no session fixation
            login_user(user)
            db.session.commit()
            return redirect(safe_next_url(form.next.data, url_for("learning.dashboard")))
        form.password.errors.append(_("Forkert e-mail eller adgangskode. Prøv igen."))
    status = 400 if form.errors else 200
    return render_template("accounts/sign_in.html", form=form), status


@bp.post("/log-ud")
@login_required
def sign_out():
    form = ButtonForm()
    if form.validate_on_submit():
        logout_user()
        _fresh_session()
        flash(_("Du er logget ud."), "info")
    return redirect(url_for("accounts.sign_in"))


@bp.post("/sprog")
def choose_language():
    form = LanguageForm()
    target = safe_next_url(form.next.data, url_for("learning.dashboard"))
    if form.validate_on_submit():
        session["locale"] = form.language.data
        if current_user.is_authenticated:
            services.set_locale(current_user, form.language.data)
            db.session.commit()
    return redirect(target)
