"""Small helpers for view tests: signing in through the real form (with its CSRF token)."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import csrf_token_from
from tests.factories import PASSWORD


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    page = client.get("/log-ind")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(
        "/log-ind", data={"email": email, "password": password, "csrf_token": token, "next": ""}
    )


def post_form(client: FlaskClient, page_url: str, action_url: str, data: dict[str, str]):
    """Load ``page_url`` for a CSRF token, then post ``data`` to ``action_url``."""
    page = client.get(page_url)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(action_url, data={**data, "csrf_token": token})
