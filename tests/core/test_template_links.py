"""Templates' ``url_for`` remembers addresses; each must be the one Flask builds in that request."""

from __future__ import annotations

import itertools

import pytest
from flask import render_template_string, url_for
from werkzeug.routing import BuildError

CALLS = [
    ("static", {"filename": "css/app.css"}),
    ("learning.dashboard", {}),
    ("learning.module", {"cohort_id": 7, "module_key": "modul-1", "_anchor": "lektion-2"}),
    ("learning.module", {"cohort_id": 8, "module_key": "modul-1"}),
    ("calendar.event_page", {"event_id": 3}),
    ("reports.programme", {"side": 2, "gruppe": "x y"}),  # unknown keys: the query string
]


def _template_url_for(endpoint: str, values: dict) -> str:
    return render_template_string(
        "{{ url_for(endpoint, **values) }}", endpoint=endpoint, values=values
    )


def test_remembered_addresses_are_flasks_wherever_the_app_is_mounted(app):
    for _ in range(2):  # the second time from what was remembered
        for mounted_at, (endpoint, values) in itertools.product(["", "/platform", "/b"], CALLS):
            with app.test_request_context("/", base_url=f"http://localhost{mounted_at}/"):
                expected = url_for(endpoint, **values)
                assert expected.startswith(f"{mounted_at}/")
                assert _template_url_for(endpoint, values) == expected.replace("&", "&amp;")


def test_absolute_relative_and_unusual_addresses_are_built_each_time(app):
    for host in ("a.example", "b.example"):
        with app.test_request_context("/", base_url=f"https://{host}"):
            page = render_template_string("{{ url_for('learning.dashboard', _external=True) }}")
            assert page == f"https://{host}/mit-forloeb"
    with app.test_request_context("/mit-forloeb"):  # the learning blueprint's page
        assert render_template_string("{{ url_for('.dashboard') }}") == "/mit-forloeb"
        assert render_template_string("{{ url_for('learning.dashboard', x=none) }}") == url_for(
            "learning.dashboard", x=None
        )


def test_an_unknown_endpoint_still_fails_and_is_not_remembered(app):
    for _ in range(2):
        with app.test_request_context("/"), pytest.raises(BuildError):
            render_template_string("{{ url_for('findes.ikke', side=1) }}")
