"""Behind a reverse proxy (``COURSE_APP_PROXY_COUNT``): the client's address and https are taken
from the proxy's X-Forwarded-* headers only when proxies are configured; HSTS only over https."""

from __future__ import annotations

import pytest
from flask import Flask, jsonify, request

from course_app import create_app
from course_app.config import ConfigError
from course_app.core.db import db
from course_app.core.security import HSTS
from tests.conftest import TEST_CONFIG

SPOOFED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Prefix": "/evil",
}


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """An app with the proxy count from the environment and a page that shows what it sees."""
    apps: list[Flask] = []

    def make(proxy_count: str | None, config: dict | None = None) -> Flask:
        if proxy_count is None:
            monkeypatch.delenv("COURSE_APP_PROXY_COUNT", raising=False)
        else:
            monkeypatch.setenv("COURSE_APP_PROXY_COUNT", proxy_count)
        app = create_app(
            {**TEST_CONFIG, "DATABASE_URL": "sqlite://", **(config or {})},
            instance_path=str(tmp_path / "instance"),
        )

        @app.get("/_seen")
        def seen():
            return jsonify(
                addr=request.remote_addr,
                secure=request.is_secure,
                host=request.host,
                root=request.script_root,
            )

        apps.append(app)
        return app

    yield make
    for app in apps:
        db.engine(app).dispose()


def _get(app: Flask, headers: dict[str, str]):
    return app.test_client().get(
        "/_seen", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"}
    )


def test_behind_one_proxy_the_forwarded_client_and_https_are_used(make_app) -> None:
    app = make_app("1")

    response = _get(app, SPOOFED)

    seen = response.get_json()
    assert seen["addr"] == "203.0.113.7"
    assert seen["secure"] is True
    assert response.headers["Strict-Transport-Security"] == HSTS
    # Host and prefix stay the request's own: the proxy passes Host itself.
    assert (seen["host"], seen["root"]) == ("localhost", "")


def test_behind_one_proxy_only_the_nearest_forwarded_address_counts(make_app) -> None:
    """A client that sends its own X-Forwarded-For gets the proxy's value appended: the last wins."""
    app = make_app("1")

    response = _get(app, {"X-Forwarded-For": "1.2.3.4, 203.0.113.7"})

    assert response.get_json()["addr"] == "203.0.113.7"


@pytest.mark.parametrize("proxy_count", [None, "0"])
def test_without_proxies_forwarded_headers_change_nothing(make_app, proxy_count) -> None:
    app = make_app(proxy_count)

    response = _get(app, SPOOFED)

    assert response.get_json() == {
        "addr": "10.0.0.2",
        "secure": False,
        "host": "localhost",
        "root": "",
    }
    assert "Strict-Transport-Security" not in response.headers


def test_behind_a_proxy_plain_http_gets_no_hsts(make_app) -> None:
    app = make_app("1")

    response = _get(app, {"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.7"})

    assert response.get_json()["secure"] is False
    assert "Strict-Transport-Security" not in response.headers


def test_direct_https_gets_hsts_too(make_app) -> None:
    app = make_app(None)

    response = app.test_client().get("/_seen", base_url="https://localhost")

    assert response.headers["Strict-Transport-Security"] == HSTS


def test_production_cookies_are_secure_behind_the_proxy(make_app) -> None:
    app = make_app("1", {"TESTING": False})

    response = app.test_client().get("/log-ind", headers=SPOOFED)

    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie and "HttpOnly" in cookie for cookie in cookies)


@pytest.mark.parametrize("value", ["-1", "1.5", '"one"', "true", "6"])
def test_a_proxy_count_out_of_range_stops_start_up(make_app, value) -> None:
    with pytest.raises(ConfigError, match="COURSE_APP_PROXY_COUNT must be a whole number"):
        make_app(value)
