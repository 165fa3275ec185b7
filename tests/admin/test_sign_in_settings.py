"""The sign-in settings (issue 17, point 5): platform admins set up each organisation's identity
providers and its policy; the secret shows only as set or missing; "Test forbindelsen" fetches the
discovery document and the keys from a real provider and says what is wrong; bad input is refused
at its field with the typed text kept, and nobody can be locked out."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.accounts.identity_models import IdentityProvider, SignInPolicy
from course_app.audit.models import AuditEntry
from course_app.core.db import db
from course_app.organisations import services as directory
from course_app.organisations.models import Organisation, Role
from tests import factories
from tests.accounts.identity import CLIENT_SECRET, add_provider
from tests.conftest import csrf_token_from
from tests.helpers import at_once, sign_in

NEW = "/admin/log-ind/udbydere/ny"


def _organisation_page(organisation_id: int) -> str:
    return f"/admin/log-ind/organisationer/{organisation_id}"


def _post(client, page: str, action: str, data: dict[str, str]):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(action, data={**data, "csrf_token": token})


def _values(world, **changes: str) -> dict[str, str]:
    return {
        "organisation": str(world.leader.organisation_id),
        "slug": "albertslund",
        "label": "Log ind med Albertslund Kommune",
        "issuer": "https://login.microsoftonline.com/tenant/v2.0",
        "client_id": "platform-client",
        "domains": "albertslund.dk, @Albertslund.DK  ,ast.albertslund.dk",
        "active": "y",
        **changes,
    }


def _providers(session) -> list[IdentityProvider]:
    session.expire_all()
    return list(session.scalars(select(IdentityProvider)))


def test_an_admin_adds_a_provider_and_sees_it_with_its_secret_missing(client, session, world):
    sign_in(client, world.admin.email)
    answer = _post(client, NEW, NEW, _values(world))
    assert answer.status_code == 302
    (provider,) = _providers(session)
    assert provider.domains == ["albertslund.dk", "ast.albertslund.dk"]
    assert (provider.slug, provider.client_id, provider.active) == (
        "albertslund",
        "platform-client",
        True,
    )
    entry = session.scalar(select(AuditEntry).where(AuditEntry.object_type == "identity_provider"))
    assert (entry.action, entry.object_key, entry.actor_id) == (
        "created",
        "albertslund",
        world.admin.id,
    )

    assert answer.location == _organisation_page(world.leader.organisation_id)
    assert "Log ind med Albertslund Kommune" in client.get("/admin/log-ind").get_data(as_text=True)
    html = client.get(answer.location).get_data(as_text=True)
    assert "Log ind med Albertslund Kommune" in html
    assert "<strong>Mangler</strong>" in html
    assert "http://127.0.0.1:5000/log-ind/med/albertslund/retur" in client.get(
        f"/admin/log-ind/udbydere/{provider.id}"
    ).get_data(as_text=True)


def test_the_secret_shows_only_as_set(client, session, app, world, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider)
    sign_in(client, world.admin.email)
    html = client.get(_organisation_page(setup.organisation.id)).get_data(as_text=True)
    assert ">Sat<" in html
    assert CLIENT_SECRET not in html
    assert setup.provider.issuer in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Albertslund Kommune", "Brug små bogstaver, tal og bindestreg"),
        ("issuer", "http://login.example.dk/tenant", "Adressen skal begynde med https://"),
        ("issuer", "login.example.dk", "Skriv udbyderens issuer-adresse"),
        ("issuer", "https://x.dk/" + "a" * 600, "Skriv udbyderens issuer-adresse"),
        ("domains", "", "Skriv kommunens e-maildomæner"),
        ("domains", "albertslund", "Skriv kommunens e-maildomæner"),
        ("domains", "albert_slund.dk", "Skriv kommunens e-maildomæner"),
        ("domains", ", ".join(f"d{n}.dk" for n in range(21)), "Skriv kommunens e-maildomæner"),
        ("label", "", "Skriv knappens tekst"),
        ("label", "x" * 121, "Skriv knappens tekst"),
        ("client_id", "   ", "Skriv klient-id"),
    ],
)
def test_bad_values_are_refused_at_their_field_and_the_text_is_kept(
    client, session, world, field, value, message
):
    sign_in(client, world.admin.email)
    values = _values(world, **{field: value})
    answer = _post(client, NEW, NEW, values)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert message in html
    assert 'value="platform-client"' in html or field == "client_id"  # the rest is kept
    assert _providers(session) == []


def test_a_domain_of_another_organisations_provider_is_refused(
    client, session, app, world, monkeypatch, oidc_provider
):
    add_provider(session, monkeypatch, oidc_provider, name="Glostrup", domains=("glostrup.dk",))
    sign_in(client, world.admin.email)
    answer = _post(client, NEW, NEW, _values(world, domains="glostrup.dk"))
    assert answer.status_code == 400
    assert (
        "Domænet glostrup.dk hører allerede til en anden organisations udbyder"
        in answer.get_data(as_text=True)
    )


def test_the_same_slug_twice_is_refused(client, session, world):
    sign_in(client, world.admin.email)
    assert _post(client, NEW, NEW, _values(world)).status_code == 302
    answer = _post(client, NEW, NEW, _values(world, domains="other.dk"))
    assert answer.status_code == 400
    assert "Der er allerede en udbyder med adressenavnet »albertslund«" in answer.get_data(
        as_text=True
    )
    assert len(_providers(session)) == 1


def test_the_same_new_provider_sent_twice_at_once_is_saved_once(fresh_app):
    """Two tabs (or a double click) send "Tilføj en udbyder" with one address name at the same
    moment, on committed data: one is saved, the other is the form again with the name's error
    and what was typed, never a 500 (on PostgreSQL both pass the check; the unique index decides)."""
    app = fresh_app()
    with app.app_context():
        org = factories.organisation("Albertslund")
        admin = factories.user(name="Admin", org=None)
        directory.assign_role(admin, Role.PLATFORM_ADMIN)
        db.session.commit()
        org_id, email = org.id, admin.email

    def tab(domain: str):
        client = app.test_client()
        sign_in(client, email)
        token = csrf_token_from(client.get(NEW).get_data(as_text=True))
        values = {"organisation": str(org_id), "slug": "albertslund", "label": "Log ind"}
        values |= {"issuer": "https://login.example.dk", "client_id": domain, "domains": domain}
        return lambda: client.post(NEW, data={**values, "csrf_token": token})

    answers = at_once([tab("albertslund.dk"), tab("ast.albertslund.dk")])

    assert sorted(answer.status_code for answer in answers) == [302, 400]
    refused = next(answer for answer in answers if answer.status_code == 400)
    html = refused.get_data(as_text=True)
    assert "Der er allerede en udbyder med adressenavnet »albertslund«" in html
    assert 'value="Log ind"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdentityProvider)) == 1


def test_an_edit_keeps_the_organisation_and_slug(
    client, session, app, world, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    sign_in(client, world.admin.email)
    page = f"/admin/log-ind/udbydere/{setup.provider.id}"
    answer = _post(
        client,
        page,
        page,
        {
            "label": "Ny tekst",
            "issuer": setup.provider.issuer,
            "client_id": "ny-klient",
            "domains": "albertslund.dk",
            "slug": "hacked",
            "organisation": str(world.leader.organisation_id),
        },
    )
    assert answer.status_code == 302
    (provider,) = _providers(session)
    assert (provider.slug, provider.organisation_id) == (setup.tenant, setup.organisation.id)
    assert (provider.label, provider.client_id, provider.active) == ("Ny tekst", "ny-klient", False)


def test_passwords_cannot_be_switched_off_without_an_active_provider(client, session, world):
    sign_in(client, world.admin.email)
    organisation_id = world.leader.organisation_id
    answer = _post(
        client,
        _organisation_page(organisation_id),
        f"/admin/log-ind/organisationer/{organisation_id}/politik",
        {"create_on_first_sign_in": "y"},  # passwords_allowed unticked
    )
    assert answer.status_code == 302
    assert answer.location == _organisation_page(organisation_id)
    assert "Tilføj og aktivér først en udbyder" in client.get(answer.location).get_data(
        as_text=True
    )
    session.expire_all()
    assert session.get(SignInPolicy, organisation_id) is None


def test_switching_the_last_provider_off_gives_the_passwords_back(
    client, session, app, world, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    sign_in(client, world.admin.email)
    page = f"/admin/log-ind/udbydere/{setup.provider.id}"
    values = {
        "label": setup.provider.label,
        "issuer": setup.provider.issuer,
        "client_id": setup.provider.client_id,
        "domains": "albertslund.dk",
    }  # "active" unticked
    assert _post(client, page, page, values).status_code == 302
    session.expire_all()
    assert session.get(SignInPolicy, setup.organisation.id).passwords_allowed is True


def test_the_policy_is_saved_and_audited(client, session, app, world, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider)
    sign_in(client, world.admin.email)
    answer = _post(
        client,
        _organisation_page(setup.organisation.id),
        f"/admin/log-ind/organisationer/{setup.organisation.id}/politik",
        {"create_on_first_sign_in": "y"},
    )
    assert answer.status_code == 302
    session.expire_all()
    policy = session.get(SignInPolicy, setup.organisation.id)
    assert (policy.passwords_allowed, policy.create_on_first_sign_in) == (False, True)
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.object_type == "organisation", AuditEntry.actor_id == world.admin.id)
        )
        == 1
    )


def test_the_connection_test_passes_against_a_working_provider(
    client, session, app, world, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    sign_in(client, world.admin.email)
    answer = _post(
        client,
        _organisation_page(setup.organisation.id),
        f"/admin/log-ind/udbydere/{setup.provider.id}/test",
        {},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Forbindelsen virker" in html
    assert html.count("I orden") == 4


def test_the_connection_test_says_what_is_wrong(
    client, session, app, world, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, secret=None)
    oidc_provider.outage(setup.tenant, "garbage")
    sign_in(client, world.admin.email)
    answer = _post(
        client,
        _organisation_page(setup.organisation.id),
        f"/admin/log-ind/udbydere/{setup.provider.id}/test",
        {},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "2 ting skal rettes" in html
    assert "the answer is not JSON" in html
    assert f"COURSE_APP_OIDC_CLIENT_SECRETS__{setup.tenant}" in html


def test_a_wrong_issuer_in_the_discovery_document_is_named(
    client, session, app, world, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    setup.provider.issuer = setup.provider.issuer + "/"  # one character off
    db.session.commit()
    sign_in(client, world.admin.email)
    answer = _post(
        client,
        _organisation_page(setup.organisation.id),
        f"/admin/log-ind/udbydere/{setup.provider.id}/test",
        {},
    )
    assert "the discovery document names the issuer" in answer.get_data(as_text=True)


def test_control_characters_are_dropped_and_the_provider_saved(client, session, world):
    sign_in(client, world.admin.email)
    values = _values(world, label="Log ind\x00 med Albertslund", domains="albertslund.dk\x00")
    assert _post(client, NEW, NEW, values).status_code == 302
    (provider,) = _providers(session)
    assert (provider.label, provider.domains) == ("Log ind med Albertslund", ["albertslund.dk"])


@pytest.mark.parametrize("role", ["editor", "coordinator", "chair", "facilitator", "leader"])
def test_only_platform_admins_reach_the_settings(client, session, world, role):
    sign_in(client, getattr(world, role).email)
    assert client.get("/admin/log-ind").status_code == 403
    assert client.get(_organisation_page(world.leader.organisation_id)).status_code == 403
    assert client.get(NEW).status_code == 403
    assert "/admin/log-ind" not in client.get("/kalender").get_data(as_text=True)


def test_the_menu_leads_platform_admins_there(client, session, world):
    sign_in(client, world.admin.email)
    assert 'href="/admin/log-ind"' in client.get("/kalender").get_data(as_text=True)


def test_the_page_lists_every_organisation_with_its_policy(
    client, session, world, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    glostrup = factories.organisation("Glostrup")
    session.commit()
    sign_in(client, world.admin.email)
    html = client.get("/admin/log-ind").get_data(as_text=True)
    rows = {row.split("</a>", 1)[0].rsplit(">", 1)[-1]: row for row in html.split("<tr>")[2:]}
    assert f'href="{_organisation_page(glostrup.id)}"' in rows["Glostrup"]
    assert "Ingen udbyder endnu" in rows["Glostrup"]
    assert "Tilladt" in rows["Glostrup"]
    assert "Log ind med Albertslund" in rows[setup.organisation.name]
    assert "Slået fra" in rows[setup.organisation.name]  # passwords off


def test_many_organisations_are_listed_a_page_at_a_time(client, session, world):
    for number in range(30):
        factories.organisation(f"Kommune {number:02d}")
    session.commit()
    sign_in(client, world.admin.email)
    first = client.get("/admin/log-ind").get_data(as_text=True)
    second = client.get("/admin/log-ind?side=2").get_data(as_text=True)
    total = session.scalar(select(func.count()).select_from(Organisation))
    assert first.count('<th scope="row">') == 25
    assert second.count('<th scope="row">') == total - 25
    assert 'href="/admin/log-ind?side=2"' in first
    assert "Kommune 00" in first and "Kommune 29" in second
    # an edited address shows the nearest real page
    assert (
        client.get("/admin/log-ind?side=99").get_data(as_text=True).count('<th scope="row">')
        == total - 25
    )


def test_an_unknown_organisation_is_not_found(client, session, world):
    sign_in(client, world.admin.email)
    assert client.get(_organisation_page(987654)).status_code == 404
    assert client.get("/admin/log-ind/organisationer/99999999999999999999").status_code == 404


def test_one_client_at_one_issuer_serves_one_organisation(
    client, session, monkeypatch, world, oidc_provider
):
    glostrup = add_provider(
        session, monkeypatch, oidc_provider, name="Glostrup", domains=("glostrup.dk",)
    )
    sign_in(client, world.admin.email)
    values = _values(world, issuer=glostrup.provider.issuer, client_id=glostrup.provider.client_id)
    answer = _post(client, NEW, NEW, values)
    assert answer.status_code == 400
    assert "bruger allerede dette klient-id hos samme issuer" in answer.get_data(as_text=True)
    assert len(_providers(session)) == 1


def test_the_overview_sends_as_many_statements_for_many_organisations_as_for_few(
    client, session, world, count_statements
):
    """One statement for the providers and one for the policies, however many organisations."""
    sign_in(client, world.admin.email)

    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/admin/log-ind").status_code == 200
        return counter.count

    few = statements()
    for number in range(6):
        organisation = factories.organisation(f"Kommune {number}")
        session.add(SignInPolicy(organisation_id=organisation.id, passwords_allowed=True))
    session.flush()
    assert statements() == few


def test_an_organisations_page_sends_as_many_statements_for_many_providers_as_for_one(
    client, session, world, monkeypatch, oidc_provider, count_statements
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    sign_in(client, world.admin.email)
    page = _organisation_page(setup.organisation.id)

    def statements() -> int:
        with count_statements() as counter:
            assert client.get(page).status_code == 200
        return counter.count

    one = statements()
    for number in range(4):
        session.add(
            IdentityProvider(
                organisation_id=setup.organisation.id,
                slug=f"ekstra-{number}",
                label=f"Ekstra {number}",
                issuer=f"https://login{number}.example.dk",
                client_id=f"klient-{number}",
                domains=[f"ekstra{number}.dk"],
                active=False,
            )
        )
    session.flush()
    assert statements() == one
