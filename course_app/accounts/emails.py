"""The account e-mails (invitation, "Glemt adgangskode"), each a pair of templates in the person's
language."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale


def compose(
    locale: str, subject: Any, template: str, folder: str = "accounts/emails", **context: Any
) -> tuple[str, str, str]:
    """Subject (a lazy string), plain text and HTML, rendered in ``locale`` from
    ``<folder>/<template>.txt`` and ``.html`` (other packages' e-mails name their own folder)."""
    with force_locale(locale):
        return (
            str(subject),
            render_template(f"{folder}/{template}.txt", **context),
            render_template(f"{folder}/{template}.html", **context),
        )
