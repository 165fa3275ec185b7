"""A round's competence wheel (/forloeb/<id>/kompetencehjul): who may see and change it (the release
table's rule), every bad address refused with nothing changed, two tabs (409), a closed round, the
audit entry, the warning once leaders have answered, the line on the round's page, and the demo.

The rounds world (tests/rounds/conftest.py): ``shared`` is Albertslund's and Glostrup's round,
``glostrup`` Glostrup's alone; adam is a platform admin, karin Albertslund's coordinator, kasper
Glostrup's, carl Ballerup's (in no round); anna is a leader."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from course_app.assessments.file_import import import_assessment
from course_app.assessments.models import Assessment
from course_app.audit.models import AuditEntry
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.demo import DEMO_COURSE_SLUG, DEMO_ROUND_NAME, ensure_demo_wheel
from course_app.organisations.access import viewer_for
from course_app.paths import COURSES_DIR
from course_app.self_assessment import round_tools, taking
from course_app.self_assessment.models import AssessmentParticipation, MeasurementPoint
from course_app.self_assessment.round_models import RoundAssessment
from course_app.self_assessment.round_tools import (
    StaleTool,
    ToolInvalid,
    WantedTool,
    change_tool,
    tool_access,
    url_problem,
)
from tests import factories
from tests.conftest import FreshContextClient, csrf_token_from
from tests.helpers import sign_in
from tests.rounds.conftest import make_world

URL = "/forloeb/{}/kompetencehjul"
TOOL_URL = "https://kompetencehjul.example.dk/start?hold=1"


@pytest.fixture
def world(session):
    world = make_world(session)
    world.assessment = import_assessment(COURSES_DIR / "kompetencehjul").assessment
    session.commit()
    return world


@pytest.fixture
def as_(app, session):
    """``as_(person)``: a client signed in as that person."""

    app.test_client_class = FreshContextClient

    def signed_in(person):
        client = app.test_client()
        sign_in(client, person.email)
        return client

    return signed_in


def _form(page: str) -> dict[str, str]:
    version = re.search(r'name="version" value="([^"]*)"', page)
    assert version, "no version on the page"
    return {"csrf_token": csrf_token_from(page), "version": version.group(1)}


def _token(client) -> str:
    """A CSRF token from any page of the signed-in person (the menu's sign-out form has one)."""
    return csrf_token_from(client.get("/forside", follow_redirects=True).get_data(as_text=True))


def _post(client, cohort, **data):
    page = client.get(URL.format(cohort.id)).get_data(as_text=True)
    return client.post(URL.format(cohort.id), data={**_form(page), **data})


def _stored(cohort) -> tuple[int | None, str | None] | None:
    db.session.expire_all()
    row = db.session.get(RoundAssessment, cohort.id)
    return None if row is None else (row.assessment_id, row.external_url)


def _audit_count(cohort) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.object_type == round_tools.AUDIT_TYPE,
            AuditEntry.object_key == str(cohort.id),
        )
    )


# --- who may ---------------------------------------------------------------------------------------


def test_a_platform_admin_chooses_the_platforms_assessment_for_a_shared_round(world, as_):
    admin = as_(world.people.adam)
    page = admin.get(URL.format(world.shared.id)).get_data(as_text=True)
    assert "Forløbet bruger nu:" in page and "Ingen" in page
    assert "Det digitale kompetencehjul (demomodel)" in page  # the demo model says what it is
    assert "<fieldset" in page and "<legend" in page
    response = _post(admin, world.shared, tool="assessment", assessment=str(world.assessment.id))
    assert response.status_code == 302
    assert _stored(world.shared) == (world.assessment.id, None)
    page = admin.get(response.location).get_data(as_text=True)
    assert "Kompetencehjulet er gemt." in page


def test_the_coordinator_of_the_only_organisation_links_out_to_an_external_tool(world, as_):
    kasper = as_(world.people.kasper)
    response = _post(kasper, world.glostrup, tool="external", external_url=f"  {TOOL_URL} ")
    assert response.status_code == 302
    assert _stored(world.glostrup) == (None, TOOL_URL)
    page = kasper.get(URL.format(world.glostrup.id)).get_data(as_text=True)
    assert f'href="{TOOL_URL.replace("&", "&amp;")}"' in page


def test_a_coordinator_of_a_shared_round_reads_it_and_may_not_change_it(world, as_):
    round_tools.set_tool(world.shared, external_url=TOOL_URL)
    db.session.commit()
    karin = as_(world.people.karin)
    response = karin.get(URL.format(world.shared.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TOOL_URL in page
    assert "kun en platformsadministrator kan ændre det" in page
    assert 'name="tool"' not in page
    response = karin.post(
        URL.format(world.shared.id),
        data={"csrf_token": _token(karin), "tool": "none", "version": ""},
    )
    assert response.status_code == 403
    assert _stored(world.shared) == (None, TOOL_URL)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_leader_gets_403_and_another_organisations_coordinator_404(world, as_, method):
    anna, carl, admin = as_(world.people.anna), as_(world.people.carl), as_(world.people.adam)

    def status(client, cohort_id) -> int:
        if method == "get":
            return client.get(URL.format(cohort_id)).status_code
        data = {"csrf_token": _token(client), "tool": "none", "version": ""}
        return client.post(URL.format(cohort_id), data=data).status_code

    assert status(anna, world.shared.id) == 403
    assert status(carl, world.shared.id) == 404
    assert status(carl, world.glostrup.id) == 404
    assert status(admin, 999_999) == 404
    assert status(admin, 2**70) == 404
    assert _stored(world.shared) is None


def test_anonymous_people_are_sent_to_sign_in(world, client):
    response = client.get(URL.format(world.shared.id))
    assert response.status_code == 302 and "/log-ind" in response.location


def test_the_service_refuses_who_may_only_read(world):
    access = tool_access(viewer_for(world.people.karin), world.shared.id)
    assert not access.may_change
    with pytest.raises(Exception, match="platformsadministrator"):
        change_tool(access, WantedTool("none"), version="")


# --- bad input -------------------------------------------------------------------------------------

BAD_URLS = {
    "javascript:alert(1)": "skal begynde med https://",
    "ftp://kompetencehjul.example.dk/fil": "skal begynde med https://",
    "https://kompetence hjul.example.dk": "mellemrum",
    "https://kompetencehjul.example.dk/\x00start": "styretegn",
    "https://kompetencehjul.example.dk/" + "a" * 2000: "højst være 500 tegn",
}


@pytest.mark.parametrize("bad", list(BAD_URLS))
def test_a_bad_address_is_refused_with_nothing_changed_and_the_input_kept(world, as_, bad):
    round_tools.set_tool(world.glostrup, assessment=world.assessment)
    db.session.commit()
    before = _stored(world.glostrup)
    kasper = as_(world.people.kasper)
    response = _post(kasper, world.glostrup, tool="external", external_url=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert BAD_URLS[bad] in page
    assert 'aria-invalid="true"' in page
    assert re.search(r'<input checked[^>]*value="external">', page)  # the choice stays
    if "\x00" not in bad:
        assert f'value="{bad}"' in page  # what was typed stays in the field
    assert _stored(world.glostrup) == before
    assert _audit_count(world.glostrup) == 0


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Skriv adressen"),
        ("kompetencehjul.example.dk", "skal begynde med https://"),
        ("https:kompetencehjul.example.dk", "skal begynde med https://"),
        ("data:text/html,hej", "skal begynde med https://"),
        ("https://", "mangler et domæne"),
        ("https://navn:kode@kompetencehjul.example.dk", "brugernavn"),
        ("https://kompetencehjul.example.dk:99999/", "kan ikke læses"),
        ("https://kompetencehjul.example.dk/\u200bstart", "styretegn"),
        ("https://kompetencehjul.example.dk/\tstart", "styretegn"),
        ("https://kompetencehjul.example.dk/\u00a0start", "mellemrum"),
        ("https://" + "a" * 492, None),
        ("https://" + "a" * 493, "højst være 500 tegn"),
        ("HTTPS://Kompetencehjul.example.dk/Start", None),
        ("http://kompetencehjul.example.dk", None),
        ("https://kompetencehjul.example.dk/æøå?x=1#y", None),
    ],
)
def test_url_problems(app, text, problem):
    with app.test_request_context():
        found = url_problem(text)
    assert (found is None) if problem is None else (problem in found), found


def test_the_choice_must_be_one_of_the_offered(world, as_, session):
    retired = Assessment(
        key="gammel",
        title_da="Gammel model",
        scale_min=1,
        scale_max=5,
        retired_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    session.add(retired)
    session.commit()
    admin = as_(world.people.adam)
    page = admin.get(URL.format(world.shared.id)).get_data(as_text=True)
    assert "Gammel model" not in page  # a retired assessment is not offered
    for data, message in (
        ({"tool": "assessment", "assessment": str(retired.id)}, "Vælg en af selvevalueringerne"),
        ({"tool": "assessment", "assessment": "999999999999999999999"}, "Vælg selvevalueringen"),
        ({"tool": "assessment", "assessment": ""}, "Vælg selvevalueringen"),
        ({"tool": "noget-andet"}, "Vælg, hvad forløbet skal bruge."),
        ({}, "Vælg, hvad forløbet skal bruge."),
    ):
        response = _post(admin, world.shared, **data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    assert _stored(world.shared) is None
    assert _audit_count(world.shared) == 0


def test_a_post_without_a_csrf_token_changes_nothing(world, as_):
    admin = as_(world.people.adam)
    response = admin.post(URL.format(world.shared.id), data={"tool": "none", "version": ""})
    assert response.status_code == 400
    assert _stored(world.shared) is None


# --- two tabs, closed rounds -----------------------------------------------------------------------


def test_a_page_older_than_the_rounds_choice_is_refused_with_409(world, as_):
    admin = as_(world.people.adam)
    old_tab = admin.get(URL.format(world.shared.id)).get_data(as_text=True)
    first = _post(admin, world.shared, tool="external", external_url=TOOL_URL)
    assert first.status_code == 302
    response = admin.post(
        URL.format(world.shared.id),
        data={**_form(old_tab), "tool": "assessment", "assessment": str(world.assessment.id)},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Nogen har ændret forløbets kompetencehjul" in page
    assert TOOL_URL.replace("&", "&amp;") in page  # what the round uses now
    assert _stored(world.shared) == (None, TOOL_URL)
    assert _audit_count(world.shared) == 1
    # The refused page carries the new version: saving from it works.
    again = admin.post(
        URL.format(world.shared.id),
        data={**_form(page), "tool": "assessment", "assessment": str(world.assessment.id)},
    )
    assert again.status_code == 302
    assert _stored(world.shared) == (world.assessment.id, None)


def test_the_version_changes_with_every_choice_even_back_to_an_earlier_one(world):
    access = tool_access(viewer_for(world.people.adam), world.shared.id)
    seen = round_tools.tool_version(round_tools.tool_of(world.shared))
    change_tool(access, WantedTool("external", external_url=TOOL_URL), version=seen)
    middle = round_tools.tool_version(round_tools.tool_of(world.shared))
    change_tool(access, WantedTool("none"), version=middle)
    change_tool(access, WantedTool("external", external_url=TOOL_URL), version="")
    with pytest.raises(StaleTool):
        change_tool(access, WantedTool("none"), version=middle)
    with pytest.raises(StaleTool):
        change_tool(access, WantedTool("none"), version="")


def test_a_closed_round_is_read_only(world, as_, session):
    round_tools.set_tool(world.glostrup, external_url=TOOL_URL)
    world.glostrup.closed_at = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    session.commit()
    kasper = as_(world.people.kasper)
    page = kasper.get(URL.format(world.glostrup.id)).get_data(as_text=True)
    assert "Forløbet er lukket, så kompetencehjulet kan ikke længere ændres." in page
    assert 'name="tool"' not in page
    response = kasper.post(
        URL.format(world.glostrup.id),
        data={"csrf_token": _token(kasper), "tool": "none", "version": ""},
    )
    assert response.status_code == 409
    assert _stored(world.glostrup) == (None, TOOL_URL)
    with pytest.raises(Exception, match="lukket"):
        round_tools.save_tool(world.glostrup, WantedTool("none"), actor_id=None)


# --- audit, answers already given, the round's page ------------------------------------------------


def test_each_change_has_an_audit_entry_with_nothing_personal(world, as_):
    admin = as_(world.people.adam)
    _post(admin, world.shared, tool="assessment", assessment=str(world.assessment.id))
    _post(admin, world.shared, tool="assessment", assessment=str(world.assessment.id))  # same
    _post(admin, world.shared, tool="external", external_url=TOOL_URL)
    entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == round_tools.AUDIT_TYPE)
            .order_by(AuditEntry.id)
        )
    )
    assert [entry.details for entry in entries] == [
        {"before": None, "after": {"assessment": "kompetencehjul"}},
        {"before": {"assessment": "kompetencehjul"}, "after": {"external_url": TOOL_URL}},
    ]
    assert all(entry.actor_id == world.people.adam.id for entry in entries)
    text = " ".join(entry.summary + str(entry.details) for entry in entries)
    for person in world.people.values():
        if person is not world.people.adam:
            assert person.email not in text and person.name not in text


def test_changing_after_answers_warns_and_deletes_nothing(world, as_, session):
    round_tools.set_tool(world.shared, assessment=world.assessment)
    session.add(
        AssessmentParticipation(
            user_id=world.people.anna.id,
            cohort_id=world.shared.id,
            assessment_id=world.assessment.id,
            point=MeasurementPoint.START,
            completed=True,
        )
    )
    session.commit()
    admin = as_(world.people.adam)
    page = admin.get(URL.format(world.shared.id)).get_data(as_text=True)
    assert "Nogle ledere har allerede svaret" in page
    response = _post(admin, world.shared, tool="external", external_url=TOOL_URL)
    assert response.status_code == 302
    page = admin.get(response.location).get_data(as_text=True)
    assert "hører stadig til den selvevaluering, de svarede på" in page
    assert session.scalar(select(func.count()).select_from(AssessmentParticipation)) == 1


def test_lobende_answers_alone_also_warn(world, as_, session):
    """A løbende measurement writes no participation row; the warning still shows once one is
    begun (asked by the round, never by a person's pseudonym)."""
    round_tools.set_tool(world.shared, assessment=world.assessment)
    session.commit()
    admin = as_(world.people.adam)
    assert "Nogle ledere har allerede svaret" not in admin.get(
        URL.format(world.shared.id)
    ).get_data(as_text=True)
    assert not round_tools.measurements_exist(world.shared)
    when = dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC)
    taking.start_or_resume(world.people.anna, world.shared, world.assessment, "adhoc", when)
    session.commit()
    assert session.scalar(select(func.count()).select_from(AssessmentParticipation)) == 0
    assert round_tools.measurements_exist(world.shared)
    assert not round_tools.measurements_exist(world.glostrup)
    page = admin.get(URL.format(world.shared.id)).get_data(as_text=True)
    assert "Nogle ledere har allerede svaret" in page


def test_the_current_choice_is_a_plain_box_not_a_live_region(world, as_):
    page = as_(world.people.adam).get(URL.format(world.shared.id)).get_data(as_text=True)
    assert '<div class="alert alert-info" id="nu-valgt">' in page


def test_the_round_page_names_the_choice_and_links_to_it(world, as_):
    round_tools.set_tool(world.shared, assessment=world.assessment)
    db.session.commit()
    admin, karin = as_(world.people.adam), as_(world.people.karin)
    page = admin.get(f"/forloeb/{world.shared.id}").get_data(as_text=True)
    assert "Kompetencehjul" in page
    assert "Platformens selvevaluering: Det digitale kompetencehjul (demomodel)" in page
    assert f'href="{URL.format(world.shared.id)}">Vælg kompetencehjul</a>' in page
    page = karin.get(f"/forloeb/{world.shared.id}").get_data(as_text=True)
    assert f'href="{URL.format(world.shared.id)}">Se valget</a>' in page
    page = as_(world.people.kasper).get(f"/forloeb/{world.glostrup.id}").get_data(as_text=True)
    assert '<dd id="kompetencehjul">Ingen' in page


def test_the_page_in_english(world, as_, session):
    world.people.adam.locale = "en"
    session.commit()
    admin = as_(world.people.adam)
    page = admin.get(URL.format(world.shared.id)).get_data(as_text=True)
    assert "The round now uses:" in page and "Save the competence wheel" in page
    response = _post(admin, world.shared, tool="external", external_url="ftp://x")
    assert "The address must begin with https://" in response.get_data(as_text=True)


# --- the demo ---------------------------------------------------------------------------------------


def test_the_demo_round_gets_the_shipped_wheel_once(session):
    assessment = import_assessment(COURSES_DIR / "kompetencehjul").assessment
    org = factories.organisation("Albertslund")
    course = factories.course(slug=DEMO_COURSE_SLUG)
    cohort = cohorts.create_cohort(
        course, name=DEMO_ROUND_NAME, starts_on=dt.date(2026, 1, 5), organisations=[org]
    )
    assert ensure_demo_wheel() is True
    assert _stored(cohort) == (assessment.id, None)
    assert ensure_demo_wheel() is False  # a second start changes nothing
    assert _audit_count(cohort) == 1
    round_tools.save_tool(cohort, WantedTool("none"), actor_id=None)  # the demo admin chose none
    assert ensure_demo_wheel() is False
    assert _stored(cohort) is None
    assert session.scalar(select(func.count()).select_from(Cohort)) >= 1


def test_the_demo_links_nothing_before_the_wheel_is_imported(session):
    course = factories.course(slug=DEMO_COURSE_SLUG)
    cohort = cohorts.create_cohort(course, name=DEMO_ROUND_NAME, starts_on=dt.date(2026, 1, 5))
    assert ensure_demo_wheel() is False
    assert _stored(cohort) is None


def test_refusals_name_the_field(world):
    access = tool_access(viewer_for(world.people.adam), world.shared.id)
    with pytest.raises(ToolInvalid) as invalid:
        change_tool(access, WantedTool("external", external_url="ftp://x"), version="")
    assert list(invalid.value.problems) == ["external_url"]
