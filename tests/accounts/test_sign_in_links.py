"""Single-use sign-in links in e-mails (issue 10): off unless the operator turns them on, never for
people with a role or deactivated people; opening one changes nothing, the button uses it up once;
expired, used, tampered and unknown links answer a friendly 404 and change nothing; ``next`` stays
on the site."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from course_app.accounts import sign_in_links
from course_app.accounts.models import SignInLink, User
from course_app.config import ConfigError
from course_app.core.db import db, utcnow
from course_app.core.links import absolute_url
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from tests import factories
from tests.conftest import TEST_CONFIG, FreshContextClient, csrf_token_from
from tests.core.test_config import clean_env, make_app  # noqa: F401 - fixtures
from tests.helpers import sign_in
from tests.notifications.test_concurrency import _at_once, own_app  # noqa: F401 - a fixture

NOW = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
NO_LONGER = "Linket virker ikke længere"


@pytest.fixture
def links_on(app: Flask, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LINKS", True)


@pytest.fixture
def leader(session):
    person = factories.user(email="lea.link@test.example", name="Lea Link")
    session.commit()
    return person


def _path(link: str) -> str:
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _token(link: str) -> str:
    return urlsplit(link).path.rsplit("/", 1)[1]


def _links() -> int:
    return db.session.scalar(select(func.count()).select_from(SignInLink)) or 0


def _press(client, path: str, *, token: str | None = None):
    """Open the link's page, then press its button (with the page's CSRF token)."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    csrf = token or csrf_token_from(page.get_data(as_text=True))
    return client.post(path, data={"csrf_token": csrf})


def _signed_in(client) -> bool:
    return client.get("/mit-forloeb").status_code == 200


# --- The operator's switch -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "on"), [("true", True), ("false", False)])
def test_the_switch_comes_from_the_environment(make_app, clean_env, value, on):  # noqa: F811
    clean_env.setenv("COURSE_APP_SIGN_IN_LINKS", value)
    app = make_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    assert app.config["SIGN_IN_LINKS"] is on


@pytest.mark.parametrize("value", ["False", "yes", "1", '"true"'])
def test_anything_but_true_or_false_stops_start_up(make_app, clean_env, value):  # noqa: F811
    """``"False"`` is not JSON and would stay a (truthy) string: never turn links on by accident."""
    clean_env.setenv("COURSE_APP_SIGN_IN_LINKS", value)
    with pytest.raises(ConfigError, match="COURSE_APP_SIGN_IN_LINKS must be true or false"):
        make_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})


# --- Which links an e-mail gets -----------------------------------------------------------------------


def test_off_by_default_every_link_is_plain(session, leader):
    link = sign_in_links.link_for(leader, "learning.dashboard", NOW)
    assert link == absolute_url("learning.dashboard") == "http://127.0.0.1:5000/mit-forloeb"
    assert sign_in_links.issue_token(leader, NOW) is None
    assert _links() == 0


def test_a_leader_gets_a_single_use_link_to_the_page_without_a_request(session, leader, links_on):
    link = sign_in_links.link_for(
        leader, "learning.module", NOW, cohort_id=7, module_key="lg-1", fane="svar"
    )
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == "http://127.0.0.1:5000"
    assert parts.path.startswith("/log-ind/link/")
    assert parse_qs(parts.query) == {"next": ["/forloeb/7/moduler/lg-1?fane=svar"]}
    token = _token(link)
    stored = session.scalars(select(SignInLink)).one()
    assert stored.user_id == leader.id
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()  # never the token
    assert stored.expires_at == NOW + dt.timedelta(hours=72)
    assert stored.used_at is None


def test_one_e_mail_shares_one_token(session, leader, links_on):
    token = sign_in_links.issue_token(leader, NOW)
    first = sign_in_links.link_with_token(token, "learning.dashboard")
    second = sign_in_links.link_with_token(token, "calendar.my_calendar")
    assert _token(first) == _token(second) == token
    assert _links() == 1
    assert sign_in_links.link_with_token(None, "calendar.my_calendar") == absolute_url(
        "calendar.my_calendar"
    )


def test_hours_come_from_the_configuration(app, session, leader, links_on, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LINK_HOURS", 5)
    sign_in_links.issue_token(leader, NOW)
    assert session.scalars(select(SignInLink)).one().expires_at == NOW + dt.timedelta(hours=5)


@pytest.mark.parametrize("role", list(Role))
def test_people_with_any_role_get_plain_links_even_when_on(session, links_on, role):
    org = factories.organisation()
    person = factories.user(org=org)
    scope = {
        Role.PLATFORM_ADMIN: {},
        Role.COORDINATOR: {"organisation": org},
        Role.COURSE_EDITOR: {"course_id": factories.course().id},
        Role.CHAIR: {"group": factories.group(org)},
        Role.FACILITATOR: {"group": factories.group(org)},
        Role.SUPPORTER: {"organisation": org},
    }[role]
    directory.assign_role(person, role, **scope)
    assert sign_in_links.link_for(person, "learning.dashboard", NOW) == absolute_url(
        "learning.dashboard"
    )
    assert _links() == 0


def test_deactivated_people_get_plain_links(session, leader, links_on):
    leader.deactivated_at = NOW
    assert sign_in_links.issue_token(leader, NOW) is None


def test_without_the_staff_check_nobody_gets_a_link(session, leader, links_on, app, monkeypatch):
    """The safe side: an app that was not told how to recognise staff treats everyone as staff."""
    monkeypatch.delitem(app.extensions, "course_app.sign_in_links")
    assert sign_in_links.issue_token(leader, NOW) is None


# --- Using a link ---------------------------------------------------------------------------------------


def test_opening_changes_nothing_and_the_button_signs_in_once(
    client, session, leader, links_on, clock
):
    link = sign_in_links.link_for(leader, "calendar.my_calendar", NOW)
    session.commit()
    path = _path(link)

    for _ in range(2):  # a mail scanner, then the person
        page = client.get(path)
        assert page.status_code == 200
        assert "Log ind" in page.get_data(as_text=True)
        assert page.headers["Referrer-Policy"] == "no-referrer"
    session.expire_all()
    assert session.scalars(select(SignInLink)).one().used_at is None
    assert not _signed_in(client)

    clock.now = NOW + dt.timedelta(hours=1)
    response = client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert response.headers["Location"] == "/kalender"
    assert _signed_in(client)
    session.expire_all()
    assert session.scalars(select(SignInLink)).one().used_at == clock.now
    assert session.get(User, leader.id).last_sign_in_at == clock.now

    # Used: the page says so, in another browser too.
    again = client.application.test_client().get(path)
    assert again.status_code == 404
    assert NO_LONGER in again.get_data(as_text=True)
    assert 'href="/log-ind"' in again.get_data(as_text=True)


def test_a_used_link_posted_again_changes_nothing(client, session, leader, links_on, clock):
    path = _path(sign_in_links.link_for(leader, "learning.dashboard", NOW))
    session.commit()
    page = client.get(path)
    csrf = csrf_token_from(page.get_data(as_text=True))
    assert client.post(path, data={"csrf_token": csrf}).status_code == 302
    session.expire_all()
    used_at = session.scalars(select(SignInLink)).one().used_at

    clock.now = NOW + dt.timedelta(minutes=5)
    csrf = csrf_token_from(client.get("/mit-forloeb").get_data(as_text=True))  # a new session
    second = client.post(path, data={"csrf_token": csrf})
    assert second.status_code == 404 and NO_LONGER in second.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(SignInLink)).one().used_at == used_at
    assert session.get(User, leader.id).last_sign_in_at == used_at


def test_signing_in_by_link_starts_a_fresh_session(client, session, leader, links_on, clock):
    path = _path(sign_in_links.link_for(leader, "learning.dashboard", NOW))
    session.commit()
    page = client.get(path)
    with client.session_transaction() as cookie:
        cookie["planted"] = "by someone else"  # session fixation
        cookie["locale"] = "en"
    response = client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302
    with client.session_transaction() as cookie:
        assert "planted" not in cookie
        assert cookie["locale"] == "en"


def test_a_link_for_the_person_already_signed_in_goes_straight_on(
    client, session, leader, links_on, clock
):
    path = _path(sign_in_links.link_for(leader, "calendar.my_calendar", NOW))
    session.commit()
    assert sign_in(client, leader.email).status_code == 302
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/kalender"
    session.expire_all()
    assert session.scalars(select(SignInLink)).one().used_at is None


def test_someone_else_signed_in_is_signed_out_by_the_link(client, session, leader, links_on, clock):
    other = factories.user(email="anden@test.example")
    path = _path(sign_in_links.link_for(leader, "learning.dashboard", NOW))
    session.commit()
    sign_in(client, other.email)
    assert _press(client, path).status_code == 302
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert leader.name in page and other.name not in page


def test_an_expired_link_no_longer_works(client, session, leader, links_on, clock):
    path = _path(sign_in_links.link_for(leader, "learning.dashboard", NOW))
    session.commit()
    page = client.get(path)
    clock.now = NOW + dt.timedelta(hours=72)
    assert client.get(path).status_code == 404
    response = client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 404 and NO_LONGER in response.get_data(as_text=True)
    assert not _signed_in(client)
    session.expire_all()
    assert session.scalars(select(SignInLink)).one().used_at is None


@pytest.mark.parametrize("change", ["staff role", "deactivated", "links turned off"])
def test_a_link_stops_working_when_the_person_may_no_longer_use_one(
    app, client, session, leader, links_on, clock, monkeypatch, change
):
    path = _path(sign_in_links.link_for(leader, "learning.dashboard", NOW))
    session.commit()
    page = client.get(path)
    if change == "staff role":
        directory.assign_role(leader, Role.PLATFORM_ADMIN)
    elif change == "deactivated":
        leader.deactivated_at = NOW
    else:
        monkeypatch.setitem(app.config, "SIGN_IN_LINKS", False)
    session.commit()
    assert client.get(path).status_code == 404
    response = client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 404 and NO_LONGER in response.get_data(as_text=True)
    assert not _signed_in(client)
    session.expire_all()
    assert session.scalars(select(SignInLink)).one().used_at is None


def test_the_button_needs_the_pages_csrf_token(client, session, leader, links_on, clock):
    path = _path(sign_in_links.link_for(leader, "learning.dashboard", NOW))
    session.commit()
    client.get(path)
    assert client.post(path, data={}).status_code == 400
    session.expire_all()
    assert session.scalars(select(SignInLink)).one().used_at is None


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.example",
        "https://evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:x=y",
        " //evil.example",
    ],
)
def test_next_never_leaves_the_site(client, session, leader, links_on, clock, next_url):
    token = sign_in_links.issue_token(leader, NOW)
    session.commit()
    path = urlsplit(absolute_url("accounts.sign_in_link", token=token, next=next_url))
    url = f"{path.path}?{path.query}"
    page = client.get(url)
    action = re.search(r'<form method="post" action="([^"]+)"', page.get_data(as_text=True))
    assert action and "evil" not in action.group(1)
    response = client.post(url, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert response.headers["Location"] == "/forside"


@pytest.mark.parametrize(
    "token",
    [
        "findes-ikke",
        "A" * 43,
        "%00",
        "A" * 42 + "%00",
        "A" * 10_000,
        "%C3%A6" * 43,
    ],
)
def test_unknown_malformed_and_huge_tokens_are_404(client, session, links_on, clock, token):
    page = client.get("/log-ind")
    csrf = csrf_token_from(page.get_data(as_text=True))
    url = f"/log-ind/link/{token}?next=/kalender"
    response = client.get(url)
    assert response.status_code == 404 and NO_LONGER in response.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf}).status_code == 404
    assert not _signed_in(client)


def test_a_tampered_token_is_404_and_changes_nothing(client, session, leader, links_on, clock):
    token = sign_in_links.issue_token(leader, NOW)
    session.commit()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    csrf = csrf_token_from(client.get("/log-ind").get_data(as_text=True))
    assert client.get(f"/log-ind/link/{tampered}").status_code == 404
    assert client.post(f"/log-ind/link/{tampered}", data={"csrf_token": csrf}).status_code == 404
    session.expire_all()
    assert session.scalars(select(SignInLink)).one().used_at is None
    assert session.get(User, leader.id).last_sign_in_at is None


# --- Two clicks at once ---------------------------------------------------------------------------------


def test_the_conditional_update_decides_when_both_read_the_link_unused(
    session, leader, links_on, monkeypatch
):
    """The other request used the link between this one's read and its write: nothing is signed in."""
    token = sign_in_links.issue_token(leader, NOW)
    assert token is not None
    seen = sign_in_links._valid(token, NOW)
    session.execute(update(SignInLink).values(used_at=NOW))  # the other request, meanwhile
    monkeypatch.setattr(sign_in_links, "_valid", lambda _token, _now: seen)
    assert sign_in_links.use_token(token, NOW + dt.timedelta(seconds=1)) is None
    assert leader.last_sign_in_at is None


def test_two_presses_at_once_sign_in_exactly_once(own_app):  # noqa: F811
    """Two POSTs of one link at once (a double click, or two devices), on a committed database:
    exactly one signs in; the other is told the link no longer works."""
    own_app.config["SIGN_IN_LINKS"] = True
    own_app.test_client_class = FreshContextClient
    with own_app.app_context():
        person = factories.user(name="Dobbelt Klik")
        link = sign_in_links.link_for(person, "learning.dashboard", utcnow())
        db.session.commit()
    path = _path(link)
    browsers = []
    for _ in range(2):
        browser = own_app.test_client()
        page = browser.get(path)
        assert page.status_code == 200
        browsers.append((browser, csrf_token_from(page.get_data(as_text=True))))

    def press() -> int:
        browser, csrf = browsers.pop()
        return browser.post(path, data={"csrf_token": csrf}).status_code

    statuses = _at_once(own_app, press)
    assert sorted(statuses) == [302, 404]
    with own_app.app_context():
        assert db.session.scalars(select(SignInLink)).one().used_at is not None
