"""The accessibility statement and the privacy notice: public, linked from every page's footer,
showing the configured contacts and controllers, the who-sees-what table and every cookie the
platform really sets."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from course_app import create_app
from course_app.config import ConfigError
from course_app.legal import statement
from course_app.legal.who_sees_what import REACH_LABELS, ROLES, TABLE
from tests import factories
from tests.conftest import TEST_CONFIG, csrf_token_from
from tests.helpers import sign_in

CONTROLLER = {
    "name": "Testrup Kommune, HR",
    "address": "Rådhusvej 1, 9999 Testrup",
    "email": "hr@testrup.example",
    "phone": "11 22 33 44",
    "dpo_name": "Databeskyttelsesrådgiveren",
    "dpo_email": "dpo@testrup.example",
}


@pytest.fixture
def leader(session):
    org = factories.organisation("Testrup Kommune")
    factories.organisation("Andeby Kommune")  # no controller configured
    cohort = factories.cohort(factories.course(), orgs=[org])
    person, _ = factories.enrolled_leader(cohort, org=org)
    session.commit()
    return person


@pytest.fixture
def configured(app: Flask, monkeypatch):
    monkeypatch.setitem(app.config, "DATA_CONTROLLERS", {"testrup-kommune": CONTROLLER})
    monkeypatch.setitem(app.config, "ACCESSIBILITY_CONTACT_EMAIL", "web@testrup.example")
    monkeypatch.setitem(app.config, "ACCESSIBILITY_CONTACT_PHONE", "55 66 77 88")
    monkeypatch.setitem(app.config, "RETENTION_POLICY", "Slettes 5 år efter forløbets afslutning.")


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_both_pages_are_public_and_show_the_configured_contacts(
    client, leader, configured, signed_in
):
    if signed_in:
        sign_in(client, leader.email)
    notice = _page(client, "/privatliv")
    assert "<h1>Privatlivspolitik</h1>" in notice
    for value in CONTROLLER.values():
        assert value in notice, value
    andeby = re.search(r'<th scope="row">Andeby Kommune</th>\s*<td colspan="3">(.*?)</td>', notice)
    assert andeby and "Ikke angivet endnu" in andeby.group(1)
    assert "Slettes 5 år efter forløbets afslutning." in notice

    accessibility = _page(client, "/tilgaengelighed")
    assert "<h1>Tilgængelighedserklæring</h1>" in accessibility
    assert 'href="mailto:web@testrup.example"' in accessibility
    assert "55 66 77 88" in accessibility
    assert "Andeby Kommune og Testrup Kommune" in accessibility  # who owns the site (no SITE_OWNER)


def test_the_owners_are_joined_in_the_pages_language(client, leader, configured):
    """Without SITE_OWNER the organisations are named, with "og" in Danish and "and" in English."""
    assert "Andeby Kommune og Testrup Kommune" in _page(client, "/tilgaengelighed")
    english = client.get("/tilgaengelighed", headers={"Accept-Language": "en"})
    html = english.get_data(as_text=True)
    assert "Andeby Kommune and Testrup Kommune" in html and " og Testrup" not in html


def test_without_configuration_the_pages_say_what_is_missing(client, leader):
    notice = _page(client, "/privatliv")
    assert notice.count("Ikke angivet endnu. Kontakt din kommune.") == 2
    assert "har endnu ikke angivet, hvornår oplysningerne slettes" in notice
    accessibility = _page(client, "/tilgaengelighed")
    assert "Kontaktoplysningerne er ikke angivet endnu." in accessibility


def test_the_statement_lists_status_problems_limits_and_the_enforcement_body(client, app):
    page = _page(client, "/tilgaengelighed")
    with app.test_request_context():
        problems = [str(problem.what) for problem in statement.KNOWN_PROBLEMS]
        limits = [str(item) for item in statement.NOT_PROVEN]
    assert (
        "overholder delvist standarden EN 301 549 og retningslinjerne WCAG 2.1 på niveau AA" in page
    )
    for text in problems:
        assert f"<td>{text}</td>" in page
    for text in limits:
        assert f"<li>{text}</li>" in page.replace("&#34;", '"')
    assert f'href="{statement.ENFORCEMENT_URL}"' in page
    assert "Digitaliseringsstyrelsen er håndhævelsesorgan" in page
    assert "5. december 2026" in page  # STATEMENT_DATE


def test_was_leads_to_the_published_statement(client, app, monkeypatch):
    assert client.get("/was").headers["Location"] == "/tilgaengelighed"
    url = "https://www.was.digst.dk/forloeb-example-dk"
    monkeypatch.setitem(app.config, "ACCESSIBILITY_STATEMENT_URL", url)
    assert client.get("/was").headers["Location"] == url
    assert f'href="{url}"' in _page(client, "/tilgaengelighed")


def test_the_notice_renders_the_who_sees_what_table(client, app):
    page = _page(client, "/privatliv")
    table = page[page.index(">Hvem kan se hvad om en ledergruppe</caption>") :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.DOTALL)
    with app.test_request_context():
        headers = [f"{role.label} ({role.description})" for role in ROLES]
        expected = [
            (str(row.label), [str(REACH_LABELS[row.reach[role.key]]) for role in ROLES])
            for row in TABLE
        ]
    assert re.findall(r'<th scope="col">(.*?)</th>', table)[1:] == headers
    assert [(label, re.findall(r"<td>(.*?)</td>", cells)) for label, cells in rows] == expected


def test_every_cookie_the_platform_sets_is_listed(client, leader):
    listed = set(re.findall(r'<code class="cookie-name">(.*?)</code>', _page(client, "/privatliv")))
    set_names: set[str] = set()

    def collect(response):
        for header in response.headers.getlist("Set-Cookie"):
            set_names.add(header.split("=", 1)[0])
        return response

    collect(client.get("/log-ind"))
    collect(sign_in(client, leader.email))
    page = collect(client.get("/mit-forloeb")).get_data(as_text=True)
    token = csrf_token_from(page)
    collect(client.post("/sprog", data={"language": "en", "next": "/", "csrf_token": token}))
    collect(client.get("/privatliv"))
    collect(client.post("/log-ud", data={"csrf_token": token}))
    collect(client.get("/tilgaengelighed"))
    assert set_names, "signing in sets a cookie"
    assert set_names <= listed, f"not in the privacy notice: {sorted(set_names - listed)}"


def test_every_page_links_to_both_pages_in_its_footer(client, leader):
    pages = [_page(client, "/log-ind")]
    sign_in(client, leader.email)
    pages.append(_page(client, "/mit-forloeb"))
    for page in pages:
        footer = page[page.index("<footer") :]
        assert 'href="/tilgaengelighed">Tilgængelighedserklæring</a>' in footer
        assert 'href="/privatliv">Privatlivspolitik</a>' in footer


def test_the_pages_in_english(client):
    english = {"Accept-Language": "en"}
    notice = client.get("/privatliv", headers=english).get_data(as_text=True)
    assert '<html lang="en">' in notice and "<h1>Privacy notice</h1>" in notice
    statement_page = client.get("/tilgaengelighed", headers=english).get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in statement_page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("albertslund", "must map organisation slugs"),
        ({"albertslund": "Albertslund Kommune"}, "must be a mapping"),
        ({"albertslund": {**CONTROLLER, "email": ""}}, "is missing email"),
        ({"albertslund": {**CONTROLLER, "fax": "1"}}, "unknown fields: ['fax']"),
    ],
)
def test_malformed_controllers_stop_start_up(value, message, tmp_path):
    with pytest.raises(ConfigError, match=re.escape(message)):
        create_app({**TEST_CONFIG, "DATA_CONTROLLERS": value}, instance_path=str(tmp_path))
