"""Set-up shared by the identity-provider tests: an organisation with its provider, registered at the
test OpenID Connect provider (``tests/oidc_provider``, a real one in its own process), and the
browser's round trip through it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from flask import current_app
from flask.testing import FlaskClient

from course_app.accounts import oidc
from course_app.accounts.identity_models import IdentityProvider, SignInPolicy
from course_app.core.db import db
from course_app.organisations.models import Organisation
from tests import factories

CLIENT_ID = "forloebsplatformen"
CLIENT_SECRET = "test-client-secret-0123456789"
BASE_URL = "http://127.0.0.1:5000"  # TEST_CONFIG keeps the default BASE_URL


@dataclass
class Setup:
    organisation: Organisation
    provider: IdentityProvider
    tenant: str


def add_provider(
    session,
    monkeypatch,
    oidc_provider,
    *,
    name: str = "Albertslund",
    domains: tuple[str, ...] = ("albertslund.dk",),
    passwords_allowed: bool = True,
    create_on_first_sign_in: bool = False,
    secret: str | None = CLIENT_SECRET,
) -> Setup:
    """``name``'s organisation with a provider at the test provider's tenant of the same name."""
    tenant = name.lower()
    issuer = oidc_provider.configure(
        tenant,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[f"{BASE_URL}/log-ind/med/{tenant}/retur"],
        post_logout_redirect_uris=[f"{BASE_URL}/log-ind"],
    )
    organisation = factories.organisation(name)
    provider = IdentityProvider(
        organisation_id=organisation.id,
        slug=tenant,
        label=f"Log ind med {name} Kommune",
        issuer=issuer,
        client_id=CLIENT_ID,
        domains=list(domains),
    )
    db.session.add(provider)
    db.session.add(
        SignInPolicy(
            organisation_id=organisation.id,
            passwords_allowed=passwords_allowed,
            create_on_first_sign_in=create_on_first_sign_in,
        )
    )
    secrets = dict(current_app.config.get("OIDC_CLIENT_SECRETS") or {})
    if secret is None:
        secrets.pop(tenant, None)
    else:
        secrets[tenant] = secret
    monkeypatch.setitem(current_app.config, "OIDC_CLIENT_SECRETS", secrets)  # for this test only
    oidc.forget_cached()
    session.commit()
    return Setup(organisation, provider, tenant)


def to_provider(client: FlaskClient, tenant: str, query: str = ""):
    """Click the provider's button: the platform's redirect to the provider."""
    return client.get(f"/log-ind/med/{tenant}{query}")


def at_provider(location: str) -> str:
    """The provider approves at once and sends the browser back: the path (and query) to follow."""
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}" == BASE_URL
    return f"{back.path}?{back.query}"


def sign_in_through(client: FlaskClient, oidc_provider, tenant: str, **claims):
    """The whole round trip as the person with ``claims``; the platform's last answer."""
    oidc_provider.next_person(tenant, **claims)
    started = to_provider(client, tenant)
    assert started.status_code == 302, started.get_data(as_text=True)
    return client.get(at_provider(started.location))


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def onward_link(answer) -> str:
    """The page that sends the browser on to the provider (a form's answer may not redirect
    elsewhere under the CSP): its link, which its meta refresh follows too."""
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    match = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
    assert match, html
    link = match.group(1).replace("&amp;", "&")
    assert f'href="{match.group(1)}"' in html
    return link
