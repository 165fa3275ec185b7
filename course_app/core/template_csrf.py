"""Templates' ``csrf_token()``: the request's token, read from where Flask-WTF keeps it once made.

Flask-WTF's ``generate_csrf`` reads two settings through ``current_app`` on every call before it finds
the token it made for this request in ``g``; a module page asks about fifteen times (a form per
question, the lesson footers, the film's report, the menu's sign-out). The token is the same each
time; the first call of a request still makes it through Flask-WTF.
"""

from __future__ import annotations

from flask import Flask, g
from flask_wtf.csrf import generate_csrf


def install_template_csrf(app: Flask) -> None:
    """After ``CSRFProtect.init_app`` (which sets the field name's default and its own helper)."""
    field = app.config["WTF_CSRF_FIELD_NAME"]

    def csrf_token() -> str:
        token = g.get(field)
        return token if token is not None else generate_csrf()

    app.jinja_env.globals["csrf_token"] = csrf_token
    # Flask-WTF also puts its helper in every template's context; a later processor wins.
    app.context_processor(lambda: {"csrf_token": csrf_token})
