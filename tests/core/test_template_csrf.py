"""Templates' ``csrf_token()`` gives the request's one token (made by Flask-WTF at the first call),
which a form post is checked against."""

from __future__ import annotations

from flask import g, render_template_string
from flask_wtf.csrf import generate_csrf, validate_csrf


def test_every_call_in_a_request_gives_the_token_flask_wtf_made_and_checks(app):
    with app.test_request_context("/"):
        assert g.get("csrf_token") is None
        first, second = render_template_string("{{ csrf_token() }} {{ csrf_token() }}").split()
        assert first == second == generate_csrf()
        validate_csrf(first)  # raises if Flask-WTF would refuse it


def test_a_token_made_before_the_page_is_the_one_the_page_shows(app):
    with app.test_request_context("/"):
        made = generate_csrf()
        assert render_template_string("{{ csrf_token() }}") == made
