"""A lazy message that quotes someone's input is escaped on a page like any other text (flask-babel's
lazy strings otherwise pass as HTML)."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import lazy_gettext as _l


def test_a_lazy_message_quoting_input_is_escaped(app):
    message = _l(
        "»%(name)s«: navnet indeholder kontroltegn.", name='<img src=x onerror="alert(1)">'
    )
    with app.test_request_context("/"):
        html = render_template_string("<p>{{ message }}</p>", message=message)
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
