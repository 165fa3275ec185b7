"""course_app: a flipped-learning course platform. ``create_app`` builds the Flask application."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify
from flask_babel import lazy_gettext
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text

from course_app.accounts import sessions as account_sessions
from course_app.accounts import sign_in_links
from course_app.accounts.identity_views import bp as identity_bp
from course_app.accounts.views import bp as accounts_bp
from course_app.accounts.views import unsubscribe as one_click_unsubscribe
from course_app.admin.mail_views import bp as emails_bp
from course_app.admin.sign_in_views import bp as sign_in_admin_bp
from course_app.admin.views import bp as admin_bp
from course_app.calendar.views import bp as calendar_bp
from course_app.config import load_config, validate
from course_app.core.bytecode_cache import bytecode_cache
from course_app.core.db import db
from course_app.core.error_pages import configure_error_pages
from course_app.core.html import render_markdown, render_markdown_inline
from course_app.core.i18n import configure_i18n
from course_app.core.icons import configure_icons
from course_app.core.security import configure_proxy, configure_security_headers
from course_app.core.template_csrf import install_template_csrf
from course_app.core.template_i18n import install_template_gettext
from course_app.core.template_links import install_remembered_url_for
from course_app.core.url_values import configure_url_values
from course_app.courses.file_schema import parse_timestamp
from course_app.courses.film_moments import (
    format_timestamp,
    is_playable,
    playable_films,
    watched_lessons,
)
from course_app.demo import demo_pseudonym_key, demo_secret_key
from course_app.groups.views import bp as groups_bp
from course_app.home.views import bp as home_bp
from course_app.learning.views import bp as learning_bp
from course_app.learning.views import recover_answer_after_csrf_failure
from course_app.legal.views import bp as legal_bp
from course_app.navigation import configure_navigation
from course_app.organisations import access
from course_app.organisations import services as directory
from course_app.paths import STATIC_DIR, TEMPLATES_DIR
from course_app.people.views import bp as people_bp
from course_app.privacy.views import bp as privacy_bp
from course_app.progress.labels import badge_context
from course_app.reports.views import bp as reports_bp
from course_app.resources.views import bp as resources_bp
from course_app.rounds.views import bp as rounds_bp
from course_app.self_assessment.leader_views import (
    recover_finish_after_csrf_failure,
    recover_page_after_csrf_failure,
)
from course_app.self_assessment.views import bp as self_assessment_bp
from course_app.self_assessment.wheel_views import recover_reflections_after_csrf_failure
from course_app.service_check.views import bp as service_check_bp
from course_app.workshops.views import bp as workshops_bp

csrf = CSRFProtect()
login_manager = LoginManager()


def create_app(
    config: Mapping[str, Any] | None = None, *, instance_path: str | None = None
) -> Flask:
    """Build the app. ``config`` overrides defaults and ``COURSE_APP_*`` environment variables."""
    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("COURSE_APP_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
    )
    load_config(app, config)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config["DEMO"] and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = demo_secret_key(app.instance_path)
    if app.config["DEMO"] and not app.config.get("ASSESSMENT_PSEUDONYM_KEY"):
        app.config["ASSESSMENT_PSEUDONYM_KEY"] = demo_pseudonym_key(app.instance_path)
    validate(app)
    configure_url_values(app)
    db.init_app(app)
    csrf.init_app(app)
    install_template_csrf(app)
    # Mail clients POST RFC 8058 one-click unsubscribes without a CSRF token (accounts/views.py).
    csrf.exempt(one_click_unsubscribe)
    configure_login(app)
    configure_i18n(app)
    install_template_gettext(app)
    configure_proxy(app)
    configure_security_headers(app)
    configure_templates(app)
    configure_blueprints(app)
    install_remembered_url_for(app)
    configure_error_pages(
        app,
        csrf_recovery={
            "learning.answer": recover_answer_after_csrf_failure,
            "self_assessment.save_reflections": recover_reflections_after_csrf_failure,
            "self_assessment.page": recover_page_after_csrf_failure,
            "self_assessment.finish": recover_finish_after_csrf_failure,
        },
    )
    return app


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = lazy_gettext("Log ind for at se siden.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(access.load_signed_in_user)
    account_sessions.init_app(app)
    sign_in_links.init_app(app, holds_staff_role=directory.holds_any_role)


def configure_templates(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["markdown_inline"] = render_markdown_inline
    app.jinja_env.filters["timestamp"] = format_timestamp
    app.jinja_env.filters["playable_films"] = playable_films
    app.jinja_env.filters["playable_film"] = is_playable
    app.jinja_env.filters["watched_lessons"] = watched_lessons
    app.jinja_env.filters["timestamp_seconds"] = lambda text: (
        parse_timestamp(text) if isinstance(text, str) else None
    )
    app.context_processor(badge_context)
    configure_icons(app)
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if not (app.debug or app.config.get("TESTING") or app.config.get("TEMPLATES_AUTO_RELOAD")):
        # Production: each template is compiled once per process and never checked for changes
        # (Flask's default outside debug, said here), and the compiled code is kept on disk
        # (core/bytecode_cache.py), so a new worker renders its first pages without compiling the
        # templates again (all 138: about 1 s to compile, 0.05 s to load compiled; a worker's first
        # module page 60-85 ms instead of 17 ms). Debug and tests compile from source.
        app.jinja_env.auto_reload = False
        app.jinja_env.bytecode_cache = bytecode_cache()


def configure_blueprints(app: Flask) -> None:
    app.register_blueprint(accounts_bp)
    app.register_blueprint(identity_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(emails_bp)
    app.register_blueprint(sign_in_admin_bp)
    app.register_blueprint(resources_bp)
    app.register_blueprint(rounds_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(service_check_bp)
    app.register_blueprint(legal_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(self_assessment_bp)
    configure_navigation(app)

    @app.get("/healthz")
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
            database = "ok"
        except Exception:
            app.logger.exception("Health check: database unreachable")
            database = "error"
        status = 200 if database == "ok" else 503
        return jsonify(status="ok" if status == 200 else "error", database=database), status
