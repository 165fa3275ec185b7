"""Error pages are Danish, say what happened in plain words and leak nothing."""

from __future__ import annotations

import pytest

from course_app import create_app
from course_app.core.db import db
from tests.conftest import TEST_CONFIG

LEAK_MARKERS = ("Traceback", "werkzeug", 'File "', "sqlalchemy")


def assert_no_leak(html: str) -> None:
    for marker in LEAK_MARKERS:
        assert marker not in html, marker


def test_404_page_is_danish_and_plain(client):
    response = client.get("/findes/ikke")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "<h1>Siden findes ikke</h1>" in html
    assert "Vi kan ikke finde siden" in html
    assert_no_leak(html)


@pytest.fixture(params=[True, False], ids=["testing", "production-like"])
def app_that_fails(request, tmp_path, monkeypatch):
    """A fresh app with a route that raises (the shared app is already serving requests)."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    config = {"SECRET_KEY": "s", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    if request.param:
        config = {**TEST_CONFIG, **config}
    app = create_app(config, instance_path=str(tmp_path / "instance"))

    @app.get("/boom")
    def boom():
        raise RuntimeError("hemmelig-intern-detalje: password=hunter2")

    yield app
    db.engine(app).dispose()


def test_unexpected_error_shows_the_danish_500_page_without_details(app_that_fails, caplog):
    response = app_that_fails.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "<h1>Der skete en fejl</h1>" in html
    assert "hemmelig-intern-detalje" not in html
    assert "hunter2" not in html
    assert "RuntimeError" not in html
    assert_no_leak(html)
    assert "Content-Security-Policy" in response.headers
    # The details go to the log instead.
    assert any("hemmelig-intern-detalje" in (r.exc_text or "") for r in caplog.records)


@pytest.mark.parametrize("url", ["/log-ud", "/sprog", "/forloeb/1/svar/spoergsmaal-1"])
def test_get_on_a_post_only_route_is_405_with_allow_header(client, url):
    response = client.get(url)
    assert response.status_code == 405
    assert "POST" in response.headers.get("Allow", "")
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "Handlingen er ikke tilladt her" in html
    assert_no_leak(html)


def test_csrf_failure_on_sign_in_is_a_danish_400_that_does_not_echo_the_password(client):
    response = client.post(
        "/log-ind",
        data={"email": "leder@test.example", "password": "min-hemmelige-kode", "csrf_token": "x"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "Siden var for gammel" in html
    assert "min-hemmelige-kode" not in html
    assert_no_leak(html)
    # Nobody got signed in.
    assert client.get("/mit-forloeb").status_code == 302


def test_csrf_failure_without_any_token_is_the_same_page(client):
    response = client.post("/log-ind", data={"email": "leder@test.example"})
    assert response.status_code == 400
    assert "Siden var for gammel" in response.get_data(as_text=True)
