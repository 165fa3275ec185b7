"""Sign in, sign out and the language switch; "Min konto" (change the password, sign out on all
devices) and "Glemt adgangskode"; the addresses e-mails carry: invitations, single-use sign-in links
(``sign_in_links``), password resets (``password_resets``) and the one-click unsubscribe from
reminders (``unsubscribe``). How long a session lasts: ``sessions``."""

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

from course_app.accounts import (
    identity_sign_in,
    invitations,
    password_resets,
    services,
    sign_in_links,
    sign_in_policy,
    throttle,
)
from course_app.accounts import unsubscribe as reminder_unsubscribe
from course_app.accounts.forms import (
    ChangePasswordForm,
    ChoosePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    SignInForm,
)
from course_app.accounts.identity_models import IdentityProvider
from course_app.accounts.identity_views import SIGNED_IN_WITH
from course_app.accounts.models import User
from course_app.accounts.sessions import fresh_session
from course_app.core import clock
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.forms import ButtonForm
from course_app.core.security import safe_next_url

bp = Blueprint("accounts", __name__)


def _commit_and_sign_in(user: User) -> None:
    """Commit the change, then sign ``user`` in on a fresh session (no session fixation)."""
    db.session.commit()
    fresh_session()
    login_user(user)


def _end_all_sessions(message: str) -> Response:
    """Sign out here and everywhere else (the session version goes up), then to the sign-in page."""
    services.end_all_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    fresh_session()
    flash(message, "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/log-ind", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    providers = sign_in_policy.active_providers()
    if form.is_submitted() and (
        provider := sign_in_policy.provider_to_route_to(
            form.email.data or "", typed_password=bool(form.password.data)
        )
    ):
        # Off to her organisation's provider, with her address as a hint.
        return _on_to_provider(provider, form.email.data.strip(), form.next.data or None)
    if form.validate_on_submit():
        email, address = form.email.data or "", request.remote_addr
        if wait := throttle.seconds_to_wait(email, address, clock.now()):
            form.password.errors.append(throttle.refusal_message(wait))
            page = render_template("accounts/sign_in.html", form=form, providers=providers)
            return page, 429, {"Retry-After": str(wait)}
        user = services.authenticate(email, form.password.data or "")
        if user is not None and not sign_in_policy.passwords_allowed(user):
            db.session.rollback()  # not signed in: her last sign-in stays as it was
            form.password.errors.append(_passwords_off_message(user))
            return render_template("accounts/sign_in.html", form=form, providers=providers), 403
        if user is not None:
            throttle.record_success(email)
            fresh_session()  # no session fixation
            login_user(user)
            db.session.commit()
            return redirect(safe_next_url(form.next.data, url_for("home.index")))
        throttle.record_failure(email, address, clock.now())
        db.session.commit()
        form.password.errors.append(_("Forkert e-mail eller adgangskode. Prøv igen."))
    status = 400 if form.errors else 200
    return render_template("accounts/sign_in.html", form=form, providers=providers), status


def _on_to_provider(provider: IdentityProvider, hint: str | None, next_url: str | None = None):
    """A page that goes on to the provider's sign-in (at once, and by a link). Not a redirect: the
    CSP's form-action 'self' holds for every redirect after a form is sent, and the provider is
    elsewhere."""
    start = url_for("identity.start", slug=provider.slug, next=next_url, login_hint=hint)
    passwords_off = not sign_in_policy.policy_of(provider.organisation_id).passwords_allowed
    return render_template(
        "accounts/to_provider.html", provider=provider, start=start, passwords_off=passwords_off
    )


def _provider_instead(user: User | None) -> str | None:
    """For a link from an e-mail (invitation, reset, sign-in link) of a person whose organisation
    allows no passwords: the page that sends her to its provider instead (links sent before the
    passwords were switched off must not let her past it)."""
    provider = sign_in_policy.provider_only(user) if user is not None else None
    return _on_to_provider(provider, user.email) if provider is not None else None


def _passwords_off_message(user: User) -> str:
    provider = sign_in_policy.provider_for_person(user)
    if provider is None:
        return _(
            "Din kommune har slået log ind med adgangskode fra. Kontakt forløbets koordinator."
        )
    return _(
        "Din kommune har slået log ind med adgangskode fra. Brug knappen »%(label)s«.",
        label=provider.label,
    )


@bp.post("/log-ud")
@login_required
def sign_out():
    form = ButtonForm()
    if form.validate_on_submit():
        provider_slug = session.get(SIGNED_IN_WITH)
        # A copy of this session's cookie stops working too (and so do the person's other sessions).
        signed_out = _end_all_sessions(_("Du er logget ud."))
        # Signed in through her organisation's provider: on to end that session too, where it
        # offers it. A page, not a redirect: the CSP's form-action 'self' holds for the redirects
        # after a form is sent, so a redirect to the provider would be blocked by the browser.
        if isinstance(provider_slug, str) and (
            logout := identity_sign_in.logout_at_provider(
                provider_slug, url_for("accounts.sign_in")
            )
        ):
            return render_template("accounts/signed_out_provider.html", logout=logout)
        return signed_out
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
    invitation = invitations.find_valid_invitation(token)
    if invitation is None:
        return render_template("accounts/invitation_invalid.html"), 404
    if to_provider := _provider_instead(db.session.get(User, invitation.user_id)):
        return to_provider
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, form.password.data or "")
        except ServiceError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            _commit_and_sign_in(user)
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
    _commit_and_sign_in(user)
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


# --- Min konto: the password, and signing out everywhere ------------------------------------------


@bp.get("/konto")
@login_required
def account():
    return render_template("accounts/account.html", form=ButtonForm())


@bp.route("/konto/adgangskode", methods=["GET", "POST"])
@login_required
def change_password():
    """The person's own new password: every other session of hers ends, this one goes on."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        # Guessing the current password (in a session left open) is throttled like signing in.
        address = request.remote_addr
        if wait := throttle.seconds_to_wait(user.email, address, clock.now()):
            form.current.errors.append(throttle.refusal_message(wait))
            page = render_template("accounts/change_password.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        try:
            services.change_password(user, form.current.data or "", form.password.data or "")
        except services.WrongPassword as error:
            db.session.rollback()
            throttle.record_failure(user.email, address, clock.now())
            db.session.commit()
            form.current.errors.append(str(error))
        except ServiceError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            _commit_and_sign_in(user)  # with the new session version
            flash(_("Din adgangskode er ændret. Du er logget ud alle andre steder."), "success")
            return redirect(url_for("accounts.account"))
    status = 400 if form.errors else 200
    return render_template("accounts/change_password.html", form=form), status


@bp.post("/konto/log-ud-alle-steder")
@login_required
def sign_out_everywhere():
    if ButtonForm().validate_on_submit():
        return _end_all_sessions(_("Du er logget ud på alle enheder."))
    return redirect(url_for("accounts.sign_in"))


# --- Glemt adgangskode ------------------------------------------------------------------------------


@bp.route("/glemt-adgangskode", methods=["GET", "POST"])
def forgot_password():
    """Ask for a link by e-mail. The answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit() and (
        provider := sign_in_policy.provider_to_route_to(form.email.data or "", typed_password=True)
    ):
        # No passwords in her organisation: nothing to reset, so on to where she signs in.
        return _on_to_provider(provider, form.email.data.strip())
    if form.validate_on_submit():
        password_resets.request_reset(form.email.data or "", clock.now())
        db.session.commit()
        flash(
            _(
                "Hvis adressen findes hos os, har vi sendt en e-mail med et link til at vælge en "
                "ny adgangskode. Kommer den ikke, så kig i din spam-mappe."
            ),
            "info",
        )
        return redirect(url_for("accounts.forgot_password"))
    status = 400 if form.errors else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/glemt-adgangskode/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The link from the e-mail: opening it changes nothing; choosing the password uses it up,
    ends every session of the person and signs her in here."""
    now = clock.now()
    user = password_resets.user_for_token(token, now)
    if user is None:
        return _reset_link_invalid()
    if to_provider := _provider_instead(user):
        return _token_page(to_provider)
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            user = password_resets.reset_password(token, form.password.data or "", now)
        except ServiceError as error:
            db.session.rollback()
            if password_resets.user_for_token(token, now) is None:  # used a moment ago
                return _reset_link_invalid()
            form.password.errors.append(str(error))
        else:
            _commit_and_sign_in(user)
            flash(_("Din nye adgangskode er gemt, og du er logget ind."), "success")
            return redirect(url_for("home.index"))
    status = 400 if form.errors else 200
    page = render_template(
        "accounts/choose_password.html",
        form=form,
        heading=_("Vælg en ny adgangskode"),
        intro=_(
            "Når du har gemt den nye adgangskode, bliver du logget ind her og logget ud alle "
            "andre steder."
        ),
    )
    return _token_page(page, status)


def _reset_link_invalid() -> Response:
    return _token_page(render_template("accounts/password_reset_invalid.html"), 404)
