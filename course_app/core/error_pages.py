"""Danish error pages that leak nothing, and a CSRF failure that never loses a typed answer.

An error page must never fail itself: the database session is rolled back before rendering (a failed
statement leaves PostgreSQL's transaction unusable, and the page's navigation reads from it), and a
page that still cannot be rendered falls back to plain HTML built here, without templates or database.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

from flask import Flask, Response, current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from course_app.core.db import db, is_database_busy, reads_only_from_now

# Seconds a client is asked to wait after "Der er travlt lige nu" (503) before trying again.
BUSY_RETRY_AFTER_SECONDS = 10


def configure_error_pages(app: Flask, *, csrf_recovery: dict[str, object]) -> None:
    """``csrf_recovery`` maps an endpoint to a function that re-renders its page with the typed text."""

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        _roll_back()
        recover = csrf_recovery.get(request.endpoint or "")
        if recover is not None:
            try:
                response = recover()  # type: ignore[operator]
            except Exception:
                app.logger.exception("Could not re-render %s after a CSRF failure", request.path)
                _roll_back()
                response = None
            if response is not None:
                return response
        return _safely(lambda: render_template("errors/csrf.html", typed_texts=typed_texts()), 400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        _roll_back()
        code = error.code or 500
        template = {403: "errors/403.html", 404: "errors/404.html", 413: "errors/413.html"}.get(
            code, "errors/generic.html"
        )

        def page() -> str:
            return render_template(
                template, code=code, title=_title(code), limit=_request_limit(error)
            )

        response = _safely(page, code)
        # Keep the headers HTTP requires with the error, e.g. ``Allow`` on 405.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        _log_unexpected(error)
        _roll_back()
        return _safely(
            lambda: render_template(
                "errors/500.html", code=500, title=_title(500), typed_texts=typed_texts()
            ),
            500,
        )

    @app.errorhandler(OperationalError)
    def database_error(error: OperationalError):
        if not is_database_busy(error):
            return unexpected_error(error)
        # SQLite: another connection (e.g. a large import) held the write lock longer than the busy
        # timeout. Nothing was written; say so, give the typed text back, and let the page itself
        # read without waiting for the write lock again.
        app.logger.warning("Database busy on %s %s: 503 sent", request.method, request.path)
        reads_only_from_now()
        _roll_back()
        response = _safely(
            lambda: render_template(
                "errors/busy.html", code=503, title=_title(503), typed_texts=typed_texts()
            ),
            503,
        )
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response


def _roll_back() -> None:
    """End the failed transaction, so the page (its navigation, the signed-in person) can read."""
    try:
        db.session.rollback()
    except Exception:
        current_app.logger.exception("Could not roll back before an error page")


def _log_unexpected(error: Exception) -> None:
    """The traceback, except for database errors: their message may quote a stored value (e.g. a
    unique key's value), so for those only the kind of error and where it happened is logged."""
    if isinstance(error, DBAPIError):
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        current_app.logger.error(
            "Database error on %s: %s (SQLSTATE %s)\n%s",
            request.path,
            type(error.orig).__name__,
            code,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        return
    current_app.logger.exception("Unhandled error on %s", request.path)


def _safely(render: Callable[[], str], code: int) -> Response:
    """The rendered page, or, should rendering fail, a plain page that needs nothing."""
    try:
        return make_response(render(), code)
    except Exception:
        current_app.logger.exception("The error page for %s failed; plain page sent", code)
        _roll_back()
    texts = ""
    try:
        texts = "".join(
            f'<textarea readonly rows="8" cols="60">{escape(text)}</textarea>'
            for text in typed_texts()
        )
    except Exception:  # the form itself may be what failed (e.g. a body over the limit)
        texts = ""
    body = (
        '<!doctype html><html lang="da"><head><meta charset="utf-8">'
        "<title>Der skete en fejl</title></head><body><h1>Der skete en fejl</h1>"
        "<p>Prøv igen om lidt, eller gå tilbage til forsiden.</p>"
        + (f"<p>Her er den tekst, du skrev:</p>{texts}" if texts else "")
        + '<p><a href="/">Gå til forsiden</a></p></body></html>'
    )
    return Response(body, code, content_type="text/html; charset=utf-8")


def _request_limit(error: HTTPException) -> str | None:
    """The size a request may have, in MB with a decimal comma, for the 413 page."""
    if not isinstance(error, RequestEntityTooLarge):
        return None
    limit = request.max_content_length
    # Otherwise one field was over the form's memory limit: the page then names no number.
    if not limit or (request.content_length or 0) <= limit:
        return None
    return f"{limit / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")


def typed_texts() -> list[str]:
    """Long texts the person posted, shown back so nothing they wrote is lost (a body over the size
    limit was never read: nothing to show)."""
    if request.method != "POST":
        return []
    try:
        form = request.form
    except RequestEntityTooLarge:
        return []
    return [value for key, value in form.items() if key.endswith("text") and value.strip()]


def _title(code: int) -> str:
    titles = {
        400: _("Forespørgslen kunne ikke behandles"),
        403: _("Du har ikke adgang til siden"),
        404: _("Siden findes ikke"),
        405: _("Handlingen er ikke tilladt her"),
        413: _("Filen er for stor"),
        500: _("Der skete en fejl"),
        503: _("Der er travlt lige nu"),
    }
    return titles.get(code, _("Der skete en fejl"))
