"""How the platform's e-mails look (issue 10, point 4): ``/admin/e-mails`` lists them, with who gets
each and when; ``/admin/e-mails/<slug>?sprog=en`` shows one, rendered from sample data in the
recipient's language (``schedule.mail_samples``): subject, plain text and the HTML in a sandboxed
frame, whose content comes from ``…/html`` under a policy of its own.

For platform admins and coordinators, the people who run rounds and see "Udsendelser" (403 for
everyone else). Course editors are not let in: they write course content, not these e-mails, do not
run rounds, and the sample shows a course they may not be editing. A blueprint of its own, not the
authoring area's (``admin.*``, for authors only).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import login_required

from course_app.core import clock
from course_app.core.security import content_security_policy
from course_app.organisations.access import Viewer, request_viewer
from course_app.schedule import mail_samples

bp = Blueprint("emails", __name__, url_prefix="/admin/e-mails")

LANGUAGE_ARG = "sprog"
# The e-mail's HTML, framed by the preview page only: nothing may run or load; e-mail HTML styles
# itself inline. ``sandbox`` holds even when the address is opened on its own.
HTML_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'; sandbox"
)


def require_mail_viewer() -> Viewer:
    """The people who see a round's e-mails ("Udsendelser"): platform admins and coordinators."""
    viewer = request_viewer()
    if not viewer.may_see_any_report:
        abort(403)
    return viewer


def _sample_and_language(slug: str) -> tuple[mail_samples.MailSample, str]:
    sample = mail_samples.BY_SLUG.get(slug)
    language = request.args.get(LANGUAGE_ARG, current_app.config["BABEL_DEFAULT_LOCALE"])
    if sample is None or language not in current_app.config["LANGUAGES"]:
        abort(404)
    return sample, language


@bp.get("")
@login_required
def catalogue():
    viewer = require_mail_viewer()
    source = mail_samples.sample_source(viewer, clock.now())
    return render_template("admin/emails/list.html", samples=mail_samples.SAMPLES, source=source)


@bp.get("/<slug>")
@login_required
def preview(slug: str):
    viewer = require_mail_viewer()
    sample, language = _sample_and_language(slug)
    source = mail_samples.sample_source(viewer, clock.now())
    response = Response(
        render_template(
            "admin/emails/preview.html",
            sample=sample,
            source=source,
            mail=mail_samples.render_sample(sample, source, language),
            language=language,
            languages=current_app.config["LANGUAGES"],
            language_arg=LANGUAGE_ARG,
        )
    )
    # This page frames its own e-mail HTML (same origin), besides the site's video players.
    response.headers["Content-Security-Policy"] = content_security_policy(frame_sources=("'self'",))
    return response


@bp.get("/<slug>/html")
@login_required
def html_body(slug: str):
    viewer = require_mail_viewer()
    sample, language = _sample_and_language(slug)
    source = mail_samples.sample_source(viewer, clock.now())
    mail = mail_samples.render_sample(sample, source, language)
    response = Response(mail.body_html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = HTML_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
