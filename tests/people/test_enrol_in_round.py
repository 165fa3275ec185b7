"""The people import enrols in a chosen round ("Tilmeld forløb"): the open rounds the person runs
are offered; the file's leaders and chairs, new and existing, are enrolled through the rounds'
enrolment service; the preview says how many will be, the result how many were and how many were
already; a forged round (another organisation's, closed, unknown, absurd) is refused; a rejected
form keeps the chosen round. The round's pages link here."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.accounts.services import find_user_by_email
from course_app.cohorts.models import Enrolment
from course_app.people import importer
from course_app.people.views import Upload, sign_upload
from course_app.rounds import closing
from tests.conftest import csrf_token_from
from tests.helpers import copenhagen, sign_in
from tests.people.conftest import csv_text, table_counts
from tests.rounds.conftest import make_world

URL = "/deltagere/import"
CONFIRM_URL = "/deltagere/import/gennemfoer"
_UPLOAD_FIELD = re.compile(r'name="upload" type="hidden" value="([^"]+)"')


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def browser(app, client):
    """A test client of one's own, signed in as the given person."""

    def open_as(person: User):
        new = app.test_client()
        assert sign_in(new, person.email).status_code == 302
        return new

    return open_as


def _file(*rows: tuple[str, ...]) -> str:
    return csv_text(list(rows))


# Nina is new, Ida exists (not enrolled), Anna exists (enrolled); Kim, a new coordinator, is not
# enrolled (staff is not a participant).
ALBERTSLUND_FILE = _file(
    ("Nina Ny", "nina@test.example", "Albertslund", "Børn", "Gruppe Børn", "leader"),
    ("Ida", "ida@test.example", "Albertslund", "Børn", "Gruppe Børn", "leader"),
    ("Anna", "anna@test.example", "Albertslund", "Børn", "Gruppe Børn", ""),
    ("Kim Koordinator", "kim@test.example", "Albertslund", "", "", "coordinator"),
)


def _enrolled(session, cohort) -> set[str]:
    session.expire_all()
    return set(
        session.scalars(select(User.email).join(Enrolment).where(Enrolment.cohort_id == cohort.id))
    )


def _upload(client, text: str, cohort: object = None, *, page_url: str = URL):
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    data = {"csrf_token": token, "file": (io.BytesIO(text.encode("utf-8-sig")), "d.csv")}
    if cohort is not None:
        data["cohort"] = str(cohort)
    return client.post(URL, data=data, content_type="multipart/form-data")


def _confirm_fields(page: str) -> dict[str, str]:
    match = _UPLOAD_FIELD.search(page)
    assert match, "no confirm form on the page"
    return {"csrf_token": csrf_token_from(page), "upload": html.unescape(match.group(1))}


def _options(page: str) -> dict[str, str]:
    select_html = page.split('name="cohort"', 1)[1].split("</select>", 1)[0]
    return {
        value: label
        for value, label in re.findall(
            r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select_html
        )
    }


def _selected(page: str) -> str | None:
    select_html = page.split('name="cohort"', 1)[1].split("</select>", 1)[0]
    match = re.search(r'<option selected value="([^"]*)"', select_html)
    return match.group(1) if match else None


def test_the_page_offers_the_open_rounds_the_person_runs(session, world, browser):
    karin = browser(world.people.karin).get(URL).get_data(as_text=True)
    assert "Tilmeld forløb" in karin
    assert set(_options(karin)) == {"", str(world.shared.id)}  # not Glostrup's own round
    assert "Forår 2027 (Gruppekursus, fra 11. januar 2027)" in karin
    adam = browser(world.people.adam).get(URL).get_data(as_text=True)
    assert set(_options(adam)) == {"", str(world.shared.id), str(world.glostrup.id)}
    carl = browser(world.people.carl).get(URL).get_data(as_text=True)
    assert set(_options(carl)) == {""}  # Ballerup takes part in no round
    closing.close_round(world.glostrup, by=None, now=copenhagen(2027, 6, 1))
    session.commit()
    adam = browser(world.people.adam).get(URL).get_data(as_text=True)
    assert set(_options(adam)) == {"", str(world.shared.id)}  # closed rounds take nobody


def test_the_rounds_pages_link_to_the_import_with_the_round_chosen(session, world, browser):
    client = browser(world.people.karin)
    link = f"{URL}?forloeb={world.shared.id}"
    for page_url in (f"/forloeb/{world.shared.id}", f"/forloeb/{world.shared.id}/deltagere"):
        page = client.get(page_url).get_data(as_text=True)
        assert "Tilmeld med CSV-fil" in page and f'href="{link}"' in page, page_url
    assert _selected(client.get(link).get_data(as_text=True)) == str(world.shared.id)
    # A round she does not run, or nonsense, is simply not chosen.
    for value in (world.glostrup.id, "abc", 2**40):
        assert _selected(client.get(f"{URL}?forloeb={value}").get_data(as_text=True)) is None


def test_preview_then_confirm_enrols_new_and_existing_leaders(
    session, world, browser, mail_to_mailbox
):
    client = browser(world.people.karin)
    before = table_counts()
    preview = _upload(client, ALBERTSLUND_FILE, world.shared.id)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert table_counts() == before  # the preview writes nothing
    assert "Lederne og mødelederne i filen tilmeldes forløbet »Forår 2027«." in page
    assert "2 nye tilmeldinger til forløbet »Forår 2027«" in page
    assert "1 var allerede tilmeldt forløbet »Forår 2027«" in page
    assert "Tilmeldes forløbet »Forår 2027«." in page  # Nina's and Ida's lines
    assert "Er allerede tilmeldt forløbet »Forår 2027«." in page  # Anna's

    done = client.post(CONFIRM_URL, data=_confirm_fields(page))
    assert done.status_code == 302
    result = client.get(done.location).get_data(as_text=True)
    assert "Importen er gennemført" in result
    assert "2 nye tilmeldinger til forløbet »Forår 2027«" in result
    assert "1 var allerede tilmeldt forløbet »Forår 2027«" in result
    enrolled = _enrolled(session, world.shared)
    assert {"nina@test.example", "ida@test.example", "anna@test.example"} <= enrolled
    assert "kim@test.example" not in enrolled  # a coordinator is no participant
    assert _enrolled(session, world.glostrup) == {"dorte@test.example"}  # no other round
    # The same file again: nothing new, and it says so.
    again = _upload(client, ALBERTSLUND_FILE, world.shared.id).get_data(as_text=True)
    assert "3 var allerede tilmeldt forløbet »Forår 2027«" in again
    assert "Gennemfør import" not in again


def test_an_admin_enrols_into_a_shared_round_but_not_an_outsider(session, world, browser):
    client = browser(world.people.adam)
    ballerup = _file(
        ("Nina Ny", "nina@test.example", "Albertslund", "", "Gruppe Børn", ""),
        ("Cecilie", "cecilie@test.example", "Ballerup", "", "Gruppe C", ""),
        ("Ny Kommune", "ny@test.example", "Ny Kommune", "", "Gruppe N", ""),
    )
    before = table_counts()
    response = _upload(client, ballerup, world.shared.id)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Linje 3: Ballerup deltager ikke i forløbet »Forår 2027«" in page
    assert "Linje 4: Ny Kommune deltager ikke i forløbet »Forår 2027«" in page
    assert "Linje 2:" not in page
    assert _selected(page) == str(world.shared.id)
    assert table_counts() == before


@pytest.mark.parametrize("forged", ["glostrup", "closed", "999999", "2**40", "abc", "-1", "١"])
def test_a_forged_round_is_refused_and_nothing_is_written(session, world, browser, forged):
    if forged == "closed":
        closing.close_round(world.shared, by=None, now=copenhagen(2027, 6, 1))
        session.commit()
    value = {
        "glostrup": str(world.glostrup.id),  # Glostrup's own: not Karin's to enrol into
        "closed": str(world.shared.id),
        "2**40": str(2**40),
    }.get(forged, forged)
    client = browser(world.people.karin)
    before = table_counts()
    response = _upload(client, ALBERTSLUND_FILE, value)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    message = (
        "»Forår 2027« er lukket"
        if forged == "closed"
        else "Vælg et forløb fra listen, eller vælg ikke at tilmelde nogen."
    )
    assert message in page
    assert "Forår 2027 (Gruppekursus" in page or forged == "closed"
    assert "Glostrup alene" not in page  # the refusal reveals nothing of other rounds
    assert table_counts() == before


def test_a_rejected_form_keeps_the_chosen_round(session, world, browser):
    client = browser(world.people.karin)
    token = csrf_token_from(client.get(URL).get_data(as_text=True))
    response = client.post(
        URL,
        data={"csrf_token": token, "cohort": str(world.shared.id)},  # no file
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Vælg en CSV-fil." in page
    assert _selected(page) == str(world.shared.id)


def test_a_round_closed_after_the_preview_is_refused_on_confirm(
    session, world, browser, mail_to_mailbox
):
    client = browser(world.people.karin)
    page = _upload(client, ALBERTSLUND_FILE, world.shared.id).get_data(as_text=True)
    closing.close_round(world.shared, by=None, now=copenhagen(2027, 6, 1))
    session.commit()
    before = table_counts()
    done = client.post(CONFIRM_URL, data=_confirm_fields(page))
    assert done.status_code == 302
    assert "»Forår 2027« er lukket" in client.get(done.location).get_data(as_text=True)
    assert table_counts() == before
    assert find_user_by_email("nina@test.example") is None


def test_a_signed_upload_for_a_round_she_does_not_run_is_refused(
    session, world, browser, mail_to_mailbox
):
    client = browser(world.people.karin)
    token = csrf_token_from(client.get(URL).get_data(as_text=True))
    with client.application.app_context():
        forged = sign_upload(
            Upload("d.csv", ALBERTSLUND_FILE, world.glostrup.id), world.people.karin.id
        )
    before = table_counts()
    done = client.post(CONFIRM_URL, data={"csrf_token": token, "upload": forged})
    assert done.status_code == 302
    assert "Vælg et forløb fra listen" in client.get(done.location).get_data(as_text=True)
    assert table_counts() == before


def test_without_a_round_a_closed_current_round_takes_nobody(session, world):
    """The import's own enrolment in the organisation's current round skips a closed round."""
    closing.close_round(world.shared, by=None, now=copenhagen(2027, 6, 1))
    result = importer.import_people(ALBERTSLUND_FILE)
    assert result.ok and result.enrolments == 0
    assert find_user_by_email("nina@test.example") is not None
    assert "nina@test.example" not in _enrolled(session, world.shared)


def test_the_service_enrols_through_the_rounds_enrolment_service(session, world):
    result = importer.import_people(ALBERTSLUND_FILE, cohort=world.shared)
    assert result.ok
    assert (result.enrolments, result.already_enrolled) == (2, 1)
    assert result.cohort_name == "Forår 2027"
    assert {"nina@test.example", "ida@test.example"} <= _enrolled(session, world.shared)
