"""Sign in, sign out and the language switch."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from course_app.accounts import invitations, services
from course_app.accounts.forms import ChoosePasswordForm, LanguageForm, SignInForm
from course_app.core.db import db
from course_app.core.errors import ServiceError
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


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Choose a password through the link in the invitation e-mail, then go straight in."""
    if invitations.find_valid_invitation(token) is None:
        return render_template("accounts/invitation_invalid.html"), 404
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, form.password.data or "")
        except ServiceError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            _fresh_session()
            login_user(user)
            flash(_("Din adgangskode er gemt. Velkommen!"), "success")
            return redirect(url_for("learning.dashboard"))
    status = 400 if form.errors else 200
    return render_template("accounts/choose_password.html", form=form), status
