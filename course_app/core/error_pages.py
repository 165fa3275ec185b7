"""Danish error pages that leak nothing, and a CSRF failure that never loses a typed answer."""

from __future__ import annotations

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def configure_error_pages(app: Flask, *, csrf_recovery: dict[str, object]) -> None:
    """``csrf_recovery`` maps an endpoint to a function that re-renders its page with the typed text."""

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        recover = csrf_recovery.get(request.endpoint or "")
        if recover is not None:
            response = recover()  # type: ignore[operator]
            if response is not None:
                return response
        return render_template("errors/csrf.html", typed_texts=typed_texts()), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(code, "errors/generic.html")
        response = make_response(render_template(template, code=code, title=_title(code)), code)
        # Keep the headers HTTP requires with the error, e.g. ``Allow`` on 405.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        return render_template("errors/500.html", code=500, title=_title(500)), 500


def typed_texts() -> list[str]:
    """Long texts the person posted, shown back so nothing they wrote is lost."""
    return [value for key, value in request.form.items() if key.endswith("text") and value.strip()]


def _title(code: int) -> str:
    titles = {
        400: _("Forespørgslen kunne ikke behandles"),
        403: _("Du har ikke adgang til siden"),
        404: _("Siden findes ikke"),
        405: _("Handlingen er ikke tilladt her"),
        413: _("Filen er for stor"),
        500: _("Der skete en fejl"),
    }
    return titles.get(code, _("Der skete en fejl"))
