"""Safe redirects, security headers on every page and cookie flags."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import url_for
from werkzeug.routing import AnyConverter, IntegerConverter

from course_app import create_app
from course_app.core import migrate
from course_app.core.db import db
from course_app.core.security import safe_next_url
from tests import factories
from tests.helpers import sign_in

FALLBACK = "/mit-forloeb"


@pytest.mark.parametrize(
    "target",
    ["/mit-forloeb", "/a?b=c", "/forloeb/3/moduler/modul-a#blok-x", "/s%C3%B8g?q=%C3%A6bler"],
)
def test_safe_next_url_accepts_paths_on_this_site(target):
    assert safe_next_url(target, FALLBACK) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "   ",
        "https://evil.example",
        "http://evil.example/mit-forloeb",
        "//evil.example",
        "///evil.example",
        " //evil.example",
        "\t//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "mit-forloeb",
        "/\t/evil.example",  # browsers drop the tab: //evil.example
        "/\n/evil.example",
        "/\r\nSet-Cookie: x=y",
        "/a\x00b",
        "/a\x7fb",
        "/%0d%0a",
        "/%0D%0ASet-Cookie:%20x=y",
        "/a%09b",
        "/a%00b",
    ],
)
def test_safe_next_url_rejects_everything_else(target):
    assert safe_next_url(target, FALLBACK) == FALLBACK


def test_safe_next_url_strips_surrounding_whitespace():
    assert safe_next_url("  /mit-forloeb  ", "/") == "/mit-forloeb"


# --- Headers on every page -------------------------------------------------------------------------


def parse_csp(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"directive {words[0]} given twice"
            directives[words[0]] = words[1:]
    return directives


class InlineScriptFinder(HTMLParser):
    """Finds what the CSP would block: inline scripts, event-handler attributes, style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.problems.append("inline <script>")
        for name in attributes:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{name}= on <{tag}>")


@pytest.fixture
def leader_with_cohort(session):
    org = factories.organisation()
    course = factories.course()
    cohort = factories.cohort(course, orgs=[org])
    leader, _ = factories.enrolled_leader(cohort, org=org)
    session.commit()
    return leader, cohort


def _pages(client, leader, cohort):
    """Anonymous pages, then signed-in pages, including error pages."""
    yield "sign-in page", client.get("/log-ind")
    yield "404 page", client.get("/findes-ikke")
    yield "405 page", client.get("/log-ud")
    yield "CSRF failure page", client.post("/log-ind", data={"email": "x@y.dk"})
    sign_in(client, leader.email)
    yield "dashboard", client.get("/mit-forloeb")
    yield "module page", client.get(f"/forloeb/{cohort.id}/moduler/modul-a")
    yield (
        "module page playing a video",
        client.get(f"/forloeb/{cohort.id}/moduler/modul-a?vis=film-video"),
    )
    yield "other cohort 404", client.get(f"/forloeb/{cohort.id + 1000}/moduler/modul-a")


def test_every_html_response_carries_a_strict_csp(client, leader_with_cohort):
    leader, cohort = leader_with_cohort
    seen = 0
    for name, response in _pages(client, leader, cohort):
        assert response.mimetype == "text/html", name
        policy = parse_csp(response.headers.get("Content-Security-Policy", ""))
        assert policy.get("script-src") == ["'self'"], name
        assert policy.get("default-src") == ["'self'"], name
        assert sorted(policy.get("frame-src", [])) == [
            "https://player.vimeo.com",
            "https://www.youtube-nocookie.com",
        ], name
        assert policy.get("object-src") == ["'none'"], name
        assert policy.get("frame-ancestors") == ["'none'"], name
        assert policy.get("base-uri") == ["'self'"], name
        assert "'unsafe-inline'" not in policy["script-src"], name
        for directive, sources in policy.items():
            assert "'unsafe-eval'" not in sources, (name, directive)
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("X-Frame-Options") == "DENY", name
        assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", name
        assert response.headers.get("Cache-Control") == "no-store", name
        seen += 1
    assert seen == 8


def test_pages_need_nothing_the_csp_forbids(client, leader_with_cohort):
    leader, cohort = leader_with_cohort
    for name, response in _pages(client, leader, cohort):
        finder = InlineScriptFinder()
        finder.feed(response.get_data(as_text=True))
        assert finder.problems == [], name


def test_json_responses_are_not_sniffed(client):
    response = client.get("/healthz")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


# --- Cookies -----------------------------------------------------------------------------------------


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def _attributes(cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}


def test_session_cookie_is_httponly_and_samesite_lax(client, leader_with_cohort):
    leader, _ = leader_with_cohort
    response = sign_in(client, leader.email)
    assert response.status_code == 302
    cookie = _session_cookie(response)
    assert "httponly" in _attributes(cookie)
    assert "SameSite=Lax" in cookie
    # Under test the app runs on plain http, so Secure is relaxed there (and only there).
    assert "secure" not in _attributes(cookie)


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    for name in ("FLASK_DEBUG", "COURSE_APP_DEMO", "COURSE_APP_TESTING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("COURSE_APP_SESSION_COOKIE_SECURE", raising=False)
    app = create_app({"SECRET_KEY": "production-like-secret"}, instance_path=str(tmp_path))
    migrate.upgrade(db.engine(app))  # the sign-in page lists the identity providers
    yield app
    db.engine(app).dispose()


def test_production_config_sends_secure_cookies(production_app):
    assert not production_app.debug and not production_app.testing
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True
    assert production_app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production_app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    # The cookie really is sent with Secure (the sign-in page stores a CSRF token in the session).
    response = production_app.test_client().get("/log-ind", base_url="https://kursus.example")
    assert response.status_code == 200
    cookie = _session_cookie(response)
    assert {"secure", "httponly"} <= _attributes(cookie)
    assert "SameSite=Lax" in cookie


def _sample_url(app, rule) -> str:
    """An address for ``rule`` with made-up values (1 for numbers, a word for the rest)."""
    values = {
        name: 1
        if isinstance(converter, IntegerConverter)
        else (min(converter.items) if isinstance(converter, AnyConverter) else "x")
        for name, converter in rule._converters.items()
    }
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def test_every_post_route_but_the_one_click_unsubscribe_needs_a_csrf_token(
    app, client, leader_with_cohort
):
    """A POST without a token is refused (400) before any view runs, signed in or not; only RFC
    8058's one-click unsubscribe, whose key is its address, is exempt."""
    exempt = {"accounts.unsubscribe"}
    posts = [r for r in app.url_map.iter_rules() if "POST" in (r.methods or ())]
    assert len(posts) > 40
    for signed_in in (False, True):
        if signed_in:
            sign_in(client, leader_with_cohort[0].email)
        for rule in posts:
            if rule.endpoint in exempt:
                continue
            response = client.post(_sample_url(app, rule), data={"x": "1"})
            assert response.status_code == 400, (rule.rule, signed_in, response.status_code)
