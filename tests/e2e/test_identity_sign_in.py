"""Signing in with the municipality's own identity provider in real Chromium (issue 17): a leader
clicks her municipality's button, the real test provider (``tests/oidc_provider``, its own process
on 127.0.0.1) vouches for her, and she lands on "Mit forløb"; a person the provider vouches for but
the platform does not know meets a page that says what to do; with passwords off, typing the
address on the sign-in page leads through the provider; axe-core finds nothing on the new pages
(the sign-in page with its buttons, the refusal, and the admins' settings and connection test)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course_app.accounts.identity_models import IdentityProvider, SignInPolicy
from course_app.core.db import db
from course_app.demo import ADMIN_EMAIL
from course_app.organisations.models import Organisation
from tests.e2e.conftest import PHONE, assert_accessible, demo_app, serving, sign_in
from tests.e2e.crawl import wider_than_a_phone
from tests.oidc_provider import TestProvider

TENANT = "albertslund"
CLIENT_ID = "forloebsplatformen"
SECRET = "e2e-client-secret-0123456789"
BUTTON = "Log ind med Albertslund Kommune"
LARS = {"sub": "entra-lars", "email": "leder1@albertslund.example", "email_verified": True}


@pytest.fixture(scope="module")
def served(database_factory, tmp_path_factory) -> Iterator[tuple]:
    app = demo_app(database_factory, tmp_path_factory, OIDC_CLIENT_SECRETS={TENANT: SECRET})
    with serving(app) as url:
        app.config["BASE_URL"] = url  # the address registered with the provider
        yield app, url


@pytest.fixture(scope="module")
def live_server(served) -> str:
    return served[1]


@pytest.fixture
def provider(served, oidc_provider_process) -> TestProvider:
    """The test provider with Albertslund's tenant, and Albertslund's provider on the platform."""
    app, url = served
    test_provider = TestProvider(oidc_provider_process)
    test_provider.reset()
    issuer = test_provider.configure(
        TENANT,
        client_id=CLIENT_ID,
        client_secret=SECRET,
        redirect_uris=[f"{url}/log-ind/med/{TENANT}/retur"],
        post_logout_redirect_uris=[f"{url}/log-ind"],
    )
    with app.app_context():
        if db.session.scalar(select(IdentityProvider).where(IdentityProvider.slug == TENANT)):
            db.session.execute(
                IdentityProvider.__table__.update()
                .where(IdentityProvider.slug == TENANT)
                .values(issuer=issuer)
            )
        else:
            organisation = db.session.scalar(
                select(Organisation).where(Organisation.name.contains("Albertslund"))
            )
            db.session.add(
                IdentityProvider(
                    organisation_id=organisation.id,
                    slug=TENANT,
                    label=BUTTON,
                    issuer=issuer,
                    client_id=CLIENT_ID,
                    domains=["albertslund.example"],
                )
            )
        db.session.commit()
    return test_provider


def _set_passwords(app, allowed: bool) -> None:
    with app.app_context():
        organisation_id = db.session.scalar(
            select(IdentityProvider.organisation_id).where(IdentityProvider.slug == TENANT)
        )
        policy = db.session.get(SignInPolicy, organisation_id) or SignInPolicy(
            organisation_id=organisation_id, create_on_first_sign_in=False
        )
        policy.passwords_allowed = allowed
        db.session.add(policy)
        db.session.commit()


def test_a_leader_signs_in_with_her_municipality_and_lands_on_her_course(page, provider):
    provider.next_person(TENANT, **LARS, name="Lars Larsen")
    page.goto("/log-ind")
    expect(page.get_by_role("link", name=BUTTON)).to_be_visible()
    assert_accessible(page, "the sign-in page with a provider's button")

    page.get_by_role("link", name=BUTTON).click()

    page.wait_for_url("**/mit-forloeb")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mit forløb")
    expect(page.get_by_text("Lars Larsen").first).to_be_visible()

    # "Log ud" ends her session at the provider too, and she is back on the sign-in page. The page
    # on the way goes on by itself; held there (the provider's answer stopped), it is checked too.
    at_provider_logout = re.compile(r"/albertslund/logout\?")
    page.route(at_provider_logout, lambda route: route.fulfill(status=204))
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", name="Du er logget ud af Forløbsplatformen")).to_be_visible()
    assert_accessible(page, "the page on to the provider's sign-out")
    page.unroute(at_provider_logout)
    page.get_by_role("link", name="Log også ud hos din kommune").click()
    page.wait_for_url("**/log-ind")
    expect(page.get_by_role("heading", name="Log ind", exact=True)).to_be_visible()
    assert len(provider.logouts(TENANT)) == 1
    page.goto("/mit-forloeb")
    page.wait_for_url("**/log-ind?next=*")


def test_someone_the_platform_does_not_know_is_told_what_to_do(page, provider, browser_problems):
    browser_problems.expect_console_error("status of 403")  # the refusal's own status
    provider.next_person(TENANT, sub="x", email="ukendt@albertslund.example", email_verified=True)
    page.goto("/log-ind")
    page.get_by_role("link", name=BUTTON).click()
    expect(page.get_by_role("heading", name="Du er ikke logget ind")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Du har ikke en konto på platformen endnu")
    assert_accessible(page, "the refused sign-in")


def test_without_passwords_the_address_leads_through_the_provider(page, served, provider):
    app, _url = served
    _set_passwords(app, allowed=False)
    try:
        provider.next_person(TENANT, **LARS)
        page.goto("/log-ind")
        page.get_by_label("E-mail").fill(LARS["email"])
        onward = re.compile(r"/log-ind/med/albertslund\?")
        page.route(onward, lambda route: route.fulfill(status=204))  # held on the way there
        page.get_by_role("button", name="Log ind").click()
        expect(
            page.get_by_role("heading", name="Du logger ind med din kommunes konto")
        ).to_be_visible()
        assert_accessible(page, "the page on to the provider")
        page.unroute(onward)
        page.get_by_role("link", name=BUTTON).click()
        page.wait_for_url("**/mit-forloeb")
        authorize = [r for r in provider.requests(TENANT) if r["path"].endswith("/authorize")]
        assert authorize[-1]["args"]["login_hint"] == LARS["email"]
    finally:
        _set_passwords(app, allowed=True)


def test_the_admins_settings_and_connection_test_are_accessible(page, provider, browser_problems):
    sign_in(page, ADMIN_EMAIL)
    page.get_by_role("link", name="Log-ind").first.click()
    expect(page.get_by_role("heading", name="Log-ind for organisationerne")).to_be_visible()
    assert_accessible(page, "the sign-in settings")
    page.get_by_role("link", name=re.compile("Albertslund")).first.click()
    expect(
        page.get_by_role("heading", name=re.compile("Log-ind for .*Albertslund"))
    ).to_be_visible()
    assert_accessible(page, "an organisation's sign-in settings")
    organisation_page = page.url

    page.get_by_role("button", name=f"Test forbindelsen til {BUTTON}").click()
    expect(page.get_by_role("status")).to_contain_text("Forbindelsen virker")
    assert_accessible(page, "the connection test")

    # the pages the crawl cannot reach (the demo has no provider) fit a phone too
    page.set_viewport_size(PHONE)
    assert wider_than_a_phone(page) == "", "the connection test"
    page.goto(organisation_page)
    assert wider_than_a_phone(page) == "", "an organisation's sign-in settings"
    page.get_by_role("link", name=BUTTON).first.click()
    expect(page.get_by_label("Knappens tekst")).to_have_value(BUTTON)
    assert wider_than_a_phone(page) == "", "the provider's edit page"
    assert_accessible(page, "the provider's edit page")

    page.goto("/admin/log-ind/udbydere/ny")
    page.get_by_label("Adressenavn").fill("Glostrup Kommune")
    browser_problems.expect_console_error("status of 400")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("alert")).to_contain_text("Brug små bogstaver")
    expect(page.get_by_label("Adressenavn")).to_have_value("Glostrup Kommune")
    assert_accessible(page, "the provider form with errors")
