"""Sign in, sign out and the language switch; the two addresses e-mails carry: single-use
sign-in links (``sign_in_links``) and the one-click unsubscribe from reminders (``unsubscribe``)."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from course_app.accounts import invitations, services, sign_in_links
from course_app.accounts import unsubscribe as reminder_unsubscribe
from course_app.accounts.forms import ChoosePasswordForm, LanguageForm, SignInForm
from course_app.accounts.models import User
from course_app.core import clock
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
        return redirect(url_for("home.index"))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            _fresh_session()  # no session fixation
            login_user(user)
            db.session.commit()
            return redirect(safe_next_url(form.next.data, url_for("home.index")))
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
            return redirect(url_for("home.index"))
    status = 400 if form.errors else 200
    return render_template("accounts/choose_password.html", form=form), status


# --- Addresses in e-mails: the token is the key; no referrer carries it on -----------------------


def _token_page(body: str | Response, status: int = 200) -> Response:
    response = body if isinstance(body, Response) else Response(body, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/log-ind/link/<token>", methods=["GET", "POST"])
def sign_in_link(token: str):
    """A sign-in link from an e-mail. Opening it shows a button and changes nothing (mail scanners
    open links too); the button uses the link up, signs in and goes on to ``next``."""
    now = clock.now()
    target = safe_next_url(request.args.get("next"), url_for("home.index"))
    user = sign_in_links.user_for_token(token, now)
    if user is None:
        return _token_page(render_template("accounts/sign_in_link_invalid.html"), 404)
    if request.method == "GET":
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(target)
        action = url_for("accounts.sign_in_link", token=token, next=target)
        return _token_page(
            render_template("accounts/sign_in_link.html", form=ButtonForm(), action=action)
        )
    # A POST without a valid CSRF token has been refused before this point (CSRFProtect).
    user = sign_in_links.use_token(token, now)
    if user is None:  # used or changed a moment ago (a second click)
        db.session.rollback()
        return _token_page(render_template("accounts/sign_in_link_invalid.html"), 404)
    db.session.commit()
    _fresh_session()  # no session fixation
    login_user(user)
    return redirect(target)


def _unsubscribing_user(token: str) -> User:
    user = reminder_unsubscribe.user_for_token(token)
    if user is None:
        abort(404)
    return user


@bp.route("/afmeld/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop reminders (RFC 8058). GET: a page with a button. POST: stopped, from the page's button
    or from a mail client's ``List-Unsubscribe=One-Click``, which carries no CSRF token: this one
    view is exempt from CSRF (``create_app``); the token in the address is the key, and the worst
    a forged POST can do is stop reminders, which the page turns on again."""
    user = _unsubscribing_user(token)
    if request.method == "POST":
        reminder_unsubscribe.stop_reminders(user, clock.now())
        db.session.commit()
        if request.form.get("List-Unsubscribe") == "One-Click":  # a mail client: a short answer
            with force_locale(user.locale):
                text = _("Du er afmeldt påmindelser. E-mails om selve forløbet kommer stadig.")
            return _token_page(Response(text + "\n", 200, mimetype="text/plain"))
    return _token_page(
        render_template(
            "accounts/unsubscribe.html",
            token=token,
            stopped=not reminder_unsubscribe.wants_reminders(user),
            form=ButtonForm(),
        )
    )


@bp.post("/afmeld/<token>/genoptag")
def resubscribe(token: str):
    """Turn reminders on again: only ever from the page, so it goes through CSRF like any form."""
    user = _unsubscribing_user(token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    reminder_unsubscribe.resume_reminders(user)
    db.session.commit()
    flash(_("Du får påmindelser igen."), "success")
    return redirect(url_for("accounts.unsubscribe", token=token))
