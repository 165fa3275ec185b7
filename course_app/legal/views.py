"""The public legal pages: ``/tilgaengelighed`` (accessibility statement), ``/privatliv`` (privacy
notice) and ``/was``, the short address Danish public bodies give their statement. No sign-in needed."""

from __future__ import annotations

from babel.lists import format_list
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import get_locale

from course_app.legal import controllers, cookies, statement, who_sees_what
from course_app.self_assessment.texts import ANONYMITY_TEXT

bp = Blueprint("legal", __name__)


@bp.record_once
def _check_config(state) -> None:
    """A malformed DATA_CONTROLLERS stops start-up rather than the privacy notice."""
    controllers.check_config(state.app.config)


def _site_owner(organisations: list[controllers.OrganisationController]) -> str:
    """The configured owner, else the organisations on the platform, joined in the page's language
    ("Albertslund Kommune og Glostrup Kommune", "… and …")."""
    owner = current_app.config.get("SITE_OWNER") or ""
    if owner:
        return owner
    names = [entry.organisation for entry in organisations if entry.organisation]
    return format_list(names, locale=get_locale()) if names else ""


@bp.get("/tilgaengelighed")
def accessibility_statement():
    config = current_app.config
    organisations = controllers.organisation_controllers(config)
    return render_template(
        "legal/accessibility_statement.html",
        site=config["BASE_URL"],
        owner=_site_owner(organisations),
        contact_email=config.get("ACCESSIBILITY_CONTACT_EMAIL") or "",
        contact_phone=config.get("ACCESSIBILITY_CONTACT_PHONE") or "",
        was_url=config.get("ACCESSIBILITY_STATEMENT_URL") or "",
        statement=statement,
    )


@bp.get("/was")
def was():
    """The statement's short address: the one published in WAS-Tool if configured, else ours."""
    return redirect(
        current_app.config.get("ACCESSIBILITY_STATEMENT_URL")
        or url_for("legal.accessibility_statement")
    )


@bp.get("/privatliv")
def privacy_notice():
    config = current_app.config
    return render_template(
        "legal/privacy_notice.html",
        organisations=controllers.organisation_controllers(config),
        roles=who_sees_what.ROLES,
        table=who_sees_what.TABLE,
        cookies=cookies.platform_cookies(current_app),
        retention_policy=config.get("RETENTION_POLICY") or "",
        anonymity_text=ANONYMITY_TEXT,
    )
