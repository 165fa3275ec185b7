"""Sign in with the organisation's identity provider: send the browser there, take it back.

The provider sends the browser back to ``BASE_URL/log-ind/med/<slug>/retur`` (the address to
register with it; the request's own host is not trusted). The flow started here is kept in the
session and used once. A refused sign-in shows a page that says what to do; nothing is changed.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user

from course_app.accounts import identity_sign_in, sign_in_policy
from course_app.accounts.identity_models import IdentityProvider
from course_app.accounts.identity_sign_in import Flow, SignInRefused
from course_app.accounts.sessions import fresh_session
from course_app.core import clock
from course_app.core.db import db, writes_from_the_start
from course_app.core.security import safe_next_url

bp = Blueprint("identity", __name__)

FLOW_KEY = "identity_flow"
# The provider the session was signed in with: "Log ud" also ends the session there.
SIGNED_IN_WITH = "signed_in_with"
MAX_EMAIL_LENGTH = 254
_RETURN_ARGS = ("state", "code", "error")


def _provider(slug: str) -> IdentityProvider:
    provider = sign_in_policy.provider_by_slug(slug)
    if provider is None:
        abort(404)
    return provider


def redirect_uri(slug: str) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for("identity.finish", slug=slug)


def _refused(provider: IdentityProvider, refusal: SignInRefused):
    current_app.logger.warning(
        "sign-in through %s refused: %r",
        provider.slug,
        str(refusal),
        extra={"provider": provider.slug},
    )
    page = render_template(
        "accounts/identity_refused.html",
        provider=provider,
        message=refusal.reason.message(provider.label),
    )
    return page, refusal.reason.status


@bp.get("/log-ind/med/<slug>")
def start(slug: str):
    """Off to the provider, with a fresh state, nonce and PKCE verifier kept in the session."""
    provider = _provider(slug)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    hint = request.args.get("login_hint", "").strip()
    try:
        url, flow = identity_sign_in.begin(
            provider,
            redirect_uri=redirect_uri(slug),
            next_url=safe_next_url(request.args.get("next"), ""),
            now=clock.now(),
            login_hint=hint if hint.isprintable() and len(hint) <= MAX_EMAIL_LENGTH else None,
        )
    except SignInRefused as refusal:
        return _refused(provider, refusal)
    session[FLOW_KEY] = flow.to_session()
    return redirect(url)


@bp.get("/log-ind/med/<slug>/retur")
def finish(slug: str):
    """Back from the provider: check its answer, find the person, sign her in on a new session.
    The provider is asked (the code, the keys) before anything is written; then, a GET that writes
    (her link, her last sign-in), it takes SQLite's write lock at once, as a POST does, so two at
    the same moment queue instead of failing, and nobody waits for the provider behind it."""
    provider = _provider(slug)
    flow = Flow.from_session(session.pop(FLOW_KEY, None))  # used once, whatever happens
    args = {name: request.args.get(name, "")[:4096] for name in _RETURN_ARGS}
    try:
        claims = identity_sign_in.verify_return(
            provider, flow, args, redirect_uri=redirect_uri(slug), now=clock.now()
        )
        db.session.rollback()  # the read so far ends here
        writes_from_the_start()
        user = identity_sign_in.match_person(provider, claims, clock.now())
    except SignInRefused as refusal:
        db.session.rollback()
        return _refused(provider, refusal)
    db.session.commit()
    fresh_session()
    login_user(user)
    session[SIGNED_IN_WITH] = provider.slug
    assert flow is not None  # verify_return refuses a return without one
    return redirect(safe_next_url(flow.next_url, url_for("home.index")))
