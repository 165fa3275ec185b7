"""The admin import: upload, preview, confirm – through the test client, with CSRF, and 403 for others."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.accounts.services import find_user_by_email
from course_app.core.db import db
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from course_app.people.forms import MAX_UPLOAD_BYTES
from course_app.people.views import Upload, sign_upload
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import sign_in
from tests.mail import app_config, free_port
from tests.people.conftest import csv_text, table_counts

URL = "/deltagere/import"
CONFIRM_URL = "/deltagere/import/gennemfoer"
_UPLOAD_FIELD = re.compile(r'name="upload" type="hidden" value="([^"]+)"')


@pytest.fixture
def org(session):
    org = factories.organisation("Albertslund")
    factories.cohort(factories.course(), orgs=[org])
    return org


@pytest.fixture
def admin(session):
    person = factories.user(email="admin@test.example", name="Anne Admin")
    directory.assign_role(person, Role.PLATFORM_ADMIN)
    session.commit()
    return person


@pytest.fixture
def coordinator(session, org):
    person = factories.user(email="koord@test.example", name="Karin Koordinator", org=org)
    directory.assign_role(person, Role.COORDINATOR, organisation=org)
    session.commit()
    return person


def rows(count: int = 3, organisation: str = "Albertslund") -> list[tuple[str, ...]]:
    return [
        (f"Person {n} Ærø", f"p{n}@test.example", organisation, "Børn og unge", "Gruppe 1", "")
        for n in range(1, count + 1)
    ]


def upload(client, data: bytes | str, filename: str = "deltagere.csv"):
    page = client.get(URL)
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    if isinstance(data, str):
        data = data.encode("utf-8-sig")
    return client.post(
        URL,
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def confirm_fields(page: str) -> dict[str, str]:
    match = _UPLOAD_FIELD.search(page)
    assert match, "no confirm form on the page"
    return {"csrf_token": csrf_token_from(page), "upload": html.unescape(match.group(1))}


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


# --- access -----------------------------------------------------------------------------------------


def _leader(org):
    return factories.user(email="leder@test.example", org=org)


def _chair(org):
    person = factories.user(email="chair@test.example", org=org)
    group = factories.group(org)
    directory.move_to_group(person, group)
    directory.assign_role(person, Role.CHAIR, group=group)
    return person


def _facilitator(org):
    person = factories.user(email="facilitator@test.example")
    directory.assign_role(person, Role.FACILITATOR, group=factories.group(org))
    return person


@pytest.mark.parametrize(
    "make_person", [_leader, _chair, _facilitator], ids=["leader", "chair", "facilitator"]
)
def test_everyone_but_admins_and_coordinators_gets_403(client, session, org, make_person):
    person = make_person(org)
    session.commit()
    sign_in(client, person.email)
    assert client.get(URL).status_code == 403
    token = csrf_token_from(client.get("/mit-forloeb").get_data(as_text=True))
    posted = client.post(
        URL,
        data={"csrf_token": token, "file": (io.BytesIO(csv_text(rows()).encode()), "d.csv")},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 403
    with client.application.app_context():
        forged = sign_upload(Upload("d.csv", csv_text(rows())), person.id)
    assert client.post(CONFIRM_URL, data={"csrf_token": token, "upload": forged}).status_code == 403
    assert find_user_by_email("p1@test.example") is None


def test_anonymous_people_are_sent_to_sign_in(client, session):
    response = client.get(URL)
    assert response.status_code == 302 and response.headers["Location"].startswith("/log-ind")
    assert client.post(CONFIRM_URL).status_code in (302, 400)


def test_the_header_links_admins_to_the_import(client, admin):
    sign_in(client, admin.email)
    page = client.get(URL).get_data(as_text=True)
    assert f'href="{URL}" aria-current="page"' in page


# --- the flow ----------------------------------------------------------------------------------------


def test_admin_previews_then_confirms_and_invitations_arrive(
    client, session, org, admin, mail_to_mailbox
):
    sign_in(client, admin.email)
    page = client.get(URL).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert '<label class="form-label" for="file">' in page

    before = table_counts()
    preview = upload(client, csv_text(rows(3)))
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert table_counts() == before  # the preview writes nothing
    assert "Gennemfør import" in text
    assert "3 nye personer" in text and "1 ny ledergruppe" in text
    assert "Person 1 Ærø" in text and "p3@test.example" in text
    assert text.count("<td>Ny</td>") == 3
    assert "Opretter ledergruppen »Gruppe 1«." in text
    assert "Tilmeldes holdet »Testhold«." in text

    done = client.post(CONFIRM_URL, data=confirm_fields(text))
    assert done.status_code == 302 and done.headers["Location"] == URL
    follow = client.get(URL).get_data(as_text=True)
    assert "Importen er gennemført" in follow and "3 invitationer er sendt." in follow
    assert find_user_by_email("p2@test.example").organisation_id == org.id
    received = mail_to_mailbox.messages()
    assert sorted(m.recipients[0] for m in received) == [f"p{n}@test.example" for n in (1, 2, 3)]

    # the link works: the new person chooses a password and is signed in
    link = next(m for m in received if m.recipients == ["p1@test.example"]).invitation_path
    client.post("/log-ud", data={"csrf_token": csrf_token_from(follow)})
    choose = client.get(link)
    assert choose.status_code == 200
    chosen = client.post(
        link,
        data={
            "csrf_token": csrf_token_from(choose.get_data(as_text=True)),
            "password": "et langt kodeord",
            "confirm": "et langt kodeord",
        },
    )
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/forside"
    assert "Testkursus" in client.get("/mit-forloeb").get_data(as_text=True)


def test_importing_the_same_file_again_offers_nothing_to_do(
    client, session, org, admin, mail_to_mailbox
):
    sign_in(client, admin.email)
    first = upload(client, csv_text(rows(2))).get_data(as_text=True)
    client.post(CONFIRM_URL, data=confirm_fields(first))
    mail_to_mailbox.clear()
    again = upload(client, csv_text(rows(2)))
    text = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "Ingen ændringer" in text and "Gennemfør import" not in text
    assert text.count("<td>Uændret</td>") == 2
    assert mail_to_mailbox.messages() == []


def test_a_file_with_problems_lists_them_by_line_and_offers_no_confirm(client, session, org, admin):
    sign_in(client, admin.email)
    bad = rows(3)
    bad[1] = ("", "ikke-en-adresse", "Albertslund", "", "Gruppe 1", "boss")
    before = table_counts()
    response = upload(client, csv_text(bad))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'role="alert"' in text
    assert "Filen har 3 fejl. Intet er importeret." in text
    assert "Linje 3: Navn mangler." in text
    assert "Linje 3: Ukendt rolle »boss«" in text
    assert "Gennemfør import" not in text and 'name="upload"' not in text
    assert 'type="file"' in text  # upload the corrected file right here
    assert table_counts() == before


def test_confirm_checks_the_file_again_against_the_database_as_it_is_now(
    client, session, org, admin
):
    sign_in(client, admin.email)
    text = upload(client, csv_text(rows(2))).get_data(as_text=True)
    factories.user(email="p2@test.example", org=factories.organisation("Glostrup"))
    session.commit()
    before = table_counts()
    response = client.post(CONFIRM_URL, data=confirm_fields(text))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Linje 3: p2@test.example findes allerede i en anden organisation" in page
    assert table_counts() == before


def test_confirm_without_csrf_imports_nothing(client, session, org, admin):
    sign_in(client, admin.email)
    fields = confirm_fields(upload(client, csv_text(rows(1))).get_data(as_text=True))
    response = client.post(CONFIRM_URL, data={"upload": fields["upload"]})
    assert response.status_code == 400
    assert find_user_by_email("p1@test.example") is None


@pytest.mark.parametrize("how", ["edited", "other_person", "garbage"])
def test_a_changed_or_foreign_upload_is_refused(client, session, org, admin, coordinator, how):
    sign_in(client, admin.email)
    fields = confirm_fields(upload(client, csv_text(rows(1))).get_data(as_text=True))
    with client.application.app_context():
        if how == "edited":
            payload = fields["upload"]
            fields["upload"] = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
        elif how == "other_person":
            fields["upload"] = sign_upload(Upload("d.csv", csv_text(rows(1))), coordinator.id)
        else:
            fields["upload"] = "ikke signeret"
    response = client.post(CONFIRM_URL, data=fields)
    assert response.status_code == 302
    assert "Upload filen igen" in client.get(URL).get_data(as_text=True)
    assert find_user_by_email("p1@test.example") is None


def test_mail_server_down_keeps_the_import_and_the_invitations_queued(
    client, session, org, admin, app
):
    sign_in(client, admin.email)
    with app_config(app, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port()):
        text = upload(client, csv_text(rows(2))).get_data(as_text=True)
        response = client.post(CONFIRM_URL, data=confirm_fields(text))
    assert response.status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert "Importen er gennemført" in page and "course-app notify send" in page
    assert find_user_by_email("p1@test.example") is not None
    assert table_counts()["outbox_messages"] == 2


# --- coordinators -------------------------------------------------------------------------------------


def test_a_coordinator_imports_into_their_own_organisation_only(
    client, session, org, coordinator, mail_to_mailbox
):
    factories.organisation("Glostrup")
    session.commit()
    sign_in(client, coordinator.email)
    page = client.get(URL).get_data(as_text=True)
    assert "din egen organisation" in page
    mixed = [*rows(2), ("Gæst", "gaest@test.example", "Glostrup", "", "G", "")]
    response = upload(client, csv_text(mixed))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Linje 4: Du kan kun importere personer i din egen organisation (Albertslund)." in text
    assert "Linje 2" not in text and "Linje 3" not in text

    own = upload(client, csv_text(rows(2))).get_data(as_text=True)
    assert client.post(CONFIRM_URL, data=confirm_fields(own)).status_code == 302
    assert find_user_by_email("p1@test.example").organisation_id == org.id
    assert len(mail_to_mailbox.messages()) == 2


def test_a_coordinator_who_lost_the_role_cannot_confirm(client, session, org, coordinator):
    sign_in(client, coordinator.email)
    fields = confirm_fields(upload(client, csv_text(rows(1))).get_data(as_text=True))
    for assignment in directory.roles_of(coordinator):
        session.delete(assignment)
    session.commit()
    assert client.post(CONFIRM_URL, data=fields).status_code == 403
    assert find_user_by_email("p1@test.example") is None


# --- the upload form ------------------------------------------------------------------------------------


def test_the_upload_must_be_a_csv_file_of_limited_size(client, session, admin):
    sign_in(client, admin.email)
    wrong_type = upload(client, csv_text(rows(1)), filename="deltagere.xlsx")
    assert wrong_type.status_code == 400
    text = wrong_type.get_data(as_text=True)
    assert "Filen skal være en CSV-fil" in text and 'href="#file"' in text
    assert 'aria-invalid="true"' in text

    too_big = upload(client, "x" * (MAX_UPLOAD_BYTES + 1))
    assert too_big.status_code == 400
    assert "Filen er for stor" in too_big.get_data(as_text=True)

    token = csrf_token_from(client.get(URL).get_data(as_text=True))
    none = client.post(URL, data={"csrf_token": token}, content_type="multipart/form-data")
    assert none.status_code == 400
    assert "Vælg en CSV-fil." in none.get_data(as_text=True)


def test_a_file_that_is_not_utf8_is_explained(client, session, org, admin):
    sign_in(client, admin.email)
    response = upload(client, csv_text(rows(1)).encode("cp1252"))
    assert response.status_code == 400
    assert "Linje 2: Filen er ikke gemt som UTF-8" in response.get_data(as_text=True)
