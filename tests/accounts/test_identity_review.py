"""What a review of the identity-provider sign-in found, each now held by a test: links sent before
passwords were switched off, people routed by an address that is not their organisation's, a
provider's discovery document or claims of odd shapes (never a 500), a look-alike address, and
switching passwords off while people's addresses lie outside the provider's domains."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from course_app.accounts import invitations, oidc, password_resets, sign_in_links
from course_app.accounts.identity_admin import set_policy
from course_app.accounts.identity_models import LinkedIdentity
from course_app.accounts.models import User
from course_app.core.db import utcnow
from course_app.core.errors import ServiceError
from course_app.notifications.models import OutboxMessage
from tests import factories
from tests.accounts.identity import add_provider, onward_link, sign_in_through
from tests.conftest import csrf_token_from
from tests.helpers import sign_in

LENE = {"sub": "entra-1", "email": "lene@albertslund.dk", "email_verified": True}


def _token_from_outbox(session, email: str, path: str) -> str:
    session.expire_all()
    bodies = session.scalars(
        select(OutboxMessage.body_text).where(OutboxMessage.recipient == email)
    ).all()
    (body,) = [body for body in bodies if path in body]
    return body.split(path, 1)[1].split()[0].split("?")[0]


def test_links_sent_before_passwords_went_off_lead_to_the_provider(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    monkeypatch.setitem(app.config, "SIGN_IN_LINKS", True)
    person = factories.user(email="lene@albertslund.dk", org=setup.organisation)
    invitations.invite(person)
    password_resets.request_reset(person.email, utcnow())
    link_token = sign_in_links.issue_token(person, utcnow())
    session.commit()
    invitation_token = _token_from_outbox(session, person.email, "/invitation/")
    reset_token = _token_from_outbox(session, person.email, "/glemt-adgangskode/")

    setup_policy = setup.provider  # passwords off now, with the links still out there
    set_policy(
        setup_policy.organisation_id,
        passwords_allowed=False,
        create_on_first_sign_in=False,
        actor_id=person.id,
    )
    session.commit()

    token = csrf_token_from(client.get("/log-ind").get_data(as_text=True))
    chosen = {"password": "en lang ny adgangskode", "confirm": "en lang ny adgangskode"}
    for path in (f"/invitation/{invitation_token}", f"/glemt-adgangskode/{reset_token}"):
        for answer in (client.get(path), client.post(path, data={**chosen, "csrf_token": token})):
            assert onward_link(answer).startswith(f"/log-ind/med/{setup.tenant}?"), path
    # A sign-in link no longer works for her (it would pass by her organisation's provider).
    for answer in (
        client.get(f"/log-ind/link/{link_token}"),
        client.post(f"/log-ind/link/{link_token}", data={"csrf_token": token}),
    ):
        assert answer.status_code == 404
    assert client.get("/mit-forloeb").status_code == 302  # never signed in
    session.expire_all()
    assert session.get(User, person.id).password_hash is not None  # the one from the factory


def test_staff_and_other_organisations_keep_their_passwords_at_such_an_address(
    client, session, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    staff = factories.user(email="kursus@albertslund.dk")  # platform staff, no organisation
    other = factories.user(email="gitte@albertslund.dk", org=factories.organisation("Glostrup"))
    session.commit()
    assert setup.organisation.id != other.organisation_id
    for person in (staff, other):
        browser = client.application.test_client()
        assert sign_in(browser, person.email).location == "/forside", person.email


@pytest.fixture
def odd_provider() -> Iterator:
    """A local server whose discovery document is what the test says (a provider that answers
    something of the wrong shape)."""
    documents: dict[str, object] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(documents.get(self.path, {})).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    issuer = f"http://127.0.0.1:{server.server_address[1]}/odd"
    yield issuer, documents
    server.shutdown()
    server.server_close()


def _document(issuer: str, **changes: object) -> dict[str, object]:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        **changes,
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"token_endpoint": 5},
        {"jwks_uri": ["a", "b"]},
        {"authorization_endpoint": {"x": 1}},
        {"grant_types_supported": 7},
        {"registration_endpoint": ["x"]},
        {"id_token_signing_alg_values_supported": "RS256"},
        {"token_endpoint_auth_methods_supported": 3},
    ],
)
def test_a_discovery_document_of_odd_shapes_is_the_providers_fault(odd_provider, changes):
    issuer, documents = odd_provider
    documents["/odd/.well-known/openid-configuration"] = _document(issuer, **changes)
    oidc.forget_cached()
    with pytest.raises(oidc.ProviderUnavailable):
        oidc.metadata(issuer, timeout=5)


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        ({"sub": "entra\x00-1"}, 400),
        ({"sub": "x" * 256}, 400),
        ({"email": "lene\x00@albertslund.dk"}, 403),
        ({"email": ["lene@albertslund.dk"]}, 403),
        ({"email": "lene@albertslund.dk" + "x" * 300}, 403),
        ({"email": "\u212aarin@albertslund.dk"}, 400),  # the Kelvin sign lowers to "k"
    ],
    ids=["nul-sub", "long-sub", "nul-email", "list-email", "long-email", "look-alike"],
)
def test_claims_of_odd_shapes_are_refused(
    client, session, monkeypatch, oidc_provider, claims, status
):
    setup = add_provider(session, monkeypatch, oidc_provider, create_on_first_sign_in=True)
    factories.user(email="karin@albertslund.dk", org=setup.organisation)
    session.commit()
    people = session.scalar(select(func.count()).select_from(User))
    answer = sign_in_through(client, oidc_provider, setup.tenant, **{**LENE, **claims})
    assert answer.status_code == status
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(User)) == people
    assert session.scalar(select(func.count()).select_from(LinkedIdentity)) == 0


def test_a_created_leaders_name_from_the_provider_is_cleaned(
    client, session, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, create_on_first_sign_in=True)
    answer = sign_in_through(
        client, oidc_provider, setup.tenant, **{**LENE, "name": "Lene\x00 Leder"}
    )
    assert answer.status_code == 302
    session.expire_all()
    person = session.scalar(select(User).where(User.email == "lene@albertslund.dk"))
    assert person.name == "lene"  # a name with NUL is not used; her address's name instead


def test_passwords_stay_on_while_people_have_addresses_outside_the_domains(
    session, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    outside = factories.user(email="lene@privat.example", org=setup.organisation)
    with pytest.raises(ServiceError, match=r"1 af organisationens personer.*lene@privat\.example"):
        set_policy(
            setup.organisation.id,
            passwords_allowed=False,
            create_on_first_sign_in=False,
            actor_id=outside.id,
        )
    outside.deactivated_at = utcnow()  # a closed account does not count
    set_policy(
        setup.organisation.id,
        passwords_allowed=False,
        create_on_first_sign_in=False,
        actor_id=outside.id,
    )
