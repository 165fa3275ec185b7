"""The leader's competence-wheel pages through the test client: the overview, the intro, the pages of
statements and finishing; the external tool's dispatch. Bad input (values off the scale, huge
numbers, NUL characters, a page of another measurement, a stale tab, pages that do not exist, a
double post) gets a clear 4xx and leaves the saved answers as they were; nobody but an enrolled
leader reaches a round's pages; no answer reaches a flash message or the log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from course_app.core.db import db
from course_app.organisations import services as directory
from course_app.organisations.models import Organisation, Role
from course_app.self_assessment import round_tools, taking
from course_app.self_assessment.models import (
    AssessmentAnswer,
    AssessmentParticipation,
    AssessmentResponse,
    MeasurementPoint,
)
from course_app.self_assessment.pseudonyms import pseudonym
from course_app.self_assessment.round_models import AssessmentDispatch
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import Clock, sign_in
from tests.mail import app_config
from tests.self_assessment.conftest import END_TIME, NOW, World, answer_all

EXTERNAL_URL = "https://kompetencehjul.example/start"


@pytest.fixture
def clock(app: Flask) -> Iterator[Clock]:
    test_clock = Clock(NOW)
    with app_config(app, CLOCK=test_clock):
        yield test_clock


@pytest.fixture
def anna(client: FlaskClient, world: World, clock: Clock) -> FlaskClient:
    """Anna signed in, her round using the demo model."""
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    sign_in(client, world.anna.email)
    return client


def base(world: World, point: str = "start") -> str:
    return f"/kompetencehjul/{world.cohort.id}/{point}"


def page_data(client: FlaskClient, url: str, answers: dict[str, object], **extra) -> dict:
    """What the page's form posts: her answers (``svar-<item key>``), the page's sequence and CSRF
    token as the browser has them, and ``extra`` (e.g. ``action``)."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="sequence" type="hidden" value="(\d+)"', html)
    assert match, "no sequence on the page"
    return {
        "csrf_token": csrf_token_from(html),
        "sequence": match.group(1),
        **{f"svar-{key}": str(value) for key, value in answers.items()},
        **extra,
    }


def start(client: FlaskClient, world: World, point: str = "start"):
    html = client.get(base(world, point)).get_data(as_text=True)
    return client.post(base(world, point), data={"csrf_token": csrf_token_from(html)})


def token(client: FlaskClient, url: str = "/kompetencehjul") -> str:
    return csrf_token_from(client.get(url).get_data(as_text=True))


def saved(world: World, point: str = "start", user=None) -> dict[int, int]:
    """Item id → value of the user's latest response at ``point`` (read afresh)."""
    db.session.expire_all()
    user = user or world.anna
    response_id = db.session.scalar(
        select(AssessmentResponse.id)
        .where(
            AssessmentResponse.pseudonym == pseudonym(user.id, world.assessment.id),
            AssessmentResponse.point == MeasurementPoint(point),
        )
        .order_by(AssessmentResponse.sequence.desc())
        .limit(1)
    )
    if response_id is None:
        return {}
    return dict(
        db.session.execute(
            select(AssessmentAnswer.item_id, AssessmentAnswer.value).where(
                AssessmentAnswer.response_id == response_id
            )
        ).all()
    )


def completed_count() -> int:
    """How many measurements (anyone's) are completed, read afresh."""
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(AssessmentResponse)
        .where(AssessmentResponse.completed_on.is_not(None))
    )


def checked_values(html: str) -> dict[str, str]:
    """``svar-<key>`` → the value checked on the page."""
    found = {}
    for tag in re.findall(r"<input[^>]*type=\"radio\"[^>]*>", html):
        if " checked" in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            found[name] = re.search(r'value="([^"]+)"', tag).group(1)
    return found


# --- the whole way through ------------------------------------------------------------------------


def test_start_save_resume_and_complete(anna, world):
    every = answer_all(world.assessment, 4)
    started = start(anna, world)
    assert started.status_code == 302
    assert started.location.endswith(base(world) + "/side/1")

    first = anna.get(base(world) + "/side/1").get_data(as_text=True)
    assert "Side 1 af 6" in first and "0 af 54 udsagn besvaret" in first
    assert first.count("<fieldset") == 9 and first.count('type="radio"') == 45
    assert "<legend" in first and "Passer godt" in first

    posted = anna.post(
        base(world) + "/side/1",
        data=page_data(anna, base(world) + "/side/1", every[0], action="next"),
    )
    assert posted.status_code == 302 and posted.location.endswith("/side/2")
    assert len(saved(world)) == 9

    # Back on the intro she resumes where she got to.
    intro = anna.get(base(world)).get_data(as_text=True)
    assert "Fortsæt" in intro and "9 af 54 udsagn besvaret" in intro
    resumed = start(anna, world)
    assert resumed.status_code == 302 and resumed.location.endswith("/side/2")

    # Her saved answers are checked when she goes back to page 1.
    again = anna.get(base(world) + "/side/1").get_data(as_text=True)
    assert set(checked_values(again).values()) == {"4"} and len(checked_values(again)) == 9

    for number in range(2, 7):
        url = f"{base(world)}/side/{number}"
        response = anna.post(url, data=page_data(anna, url, every[number - 1]))
        assert response.status_code == 302
    assert response.location.endswith(base(world) + "/afslut")
    assert len(saved(world)) == 54

    finish = anna.get(base(world) + "/afslut").get_data(as_text=True)
    assert "Afslut og se dit hjul" in finish
    done = anna.post(
        base(world) + "/afslut",
        data={
            "csrf_token": csrf_token_from(finish),
            "sequence": re.search(r'name="sequence" type="hidden" value="(\d+)"', finish).group(1),
        },
    )
    assert done.status_code == 302
    assert done.location.endswith(f"/kompetencehjul/hjul/{world.assessment.id}")
    with anna.session_transaction() as flask_session:
        assert [message for _, message in flask_session["_flashes"]] == ["Tak. Din måling er gemt."]
    db.session.expire_all()
    participation = db.session.get(
        AssessmentParticipation,
        (world.anna.id, world.cohort.id, world.assessment.id, MeasurementPoint.START),
    )
    assert participation.completed is True

    # Completed: the intro says so and links to her wheel; the pages send her back to it.
    intro = anna.get(base(world)).get_data(as_text=True)
    assert "Du har gennemført målingen" in intro and "Se dit hjul" in intro
    assert anna.get(base(world) + "/side/1").status_code == 302
    overview = anna.get("/kompetencehjul").get_data(as_text=True)
    assert "Se dit kompetencehjul" in overview and "Gennemført</span> 10. februar 2026" in overview


def test_the_buttons_go_back_forward_and_to_the_overview(anna, world):
    every = answer_all(world.assessment, 2)
    start(anna, world)
    url = base(world) + "/side/3"
    back = anna.post(url, data=page_data(anna, url, every[2], action="previous"))
    assert back.status_code == 302 and back.location.endswith("/side/2")
    later = anna.post(url, data=page_data(anna, url, every[2], action="later"))
    assert later.status_code == 302 and later.location.endswith("/kompetencehjul")
    assert "Dine svar er gemt." in anna.get(later.location).get_data(as_text=True)
    first = base(world) + "/side/1"
    to_intro = anna.post(first, data=page_data(anna, first, {}, action="previous"))
    assert to_intro.location.endswith(base(world))
    odd = anna.post(first, data=page_data(anna, first, {}, action="<script>"))
    assert odd.status_code == 302 and odd.location.endswith("/side/2")
    assert len(saved(world)) == 9


def test_blank_statements_are_allowed_and_a_double_post_changes_nothing(anna, world):
    start(anna, world)
    url = base(world) + "/side/1"
    some = dict(list(answer_all(world.assessment, 5)[0].items())[:3])
    data = page_data(anna, url, some)
    assert anna.post(url, data=data).status_code == 302
    first = saved(world)
    assert anna.post(url, data=data).status_code == 302  # the same post again
    assert saved(world) == first and len(first) == 3
    html = anna.get(base(world)).get_data(as_text=True)
    assert "3 af 54 udsagn besvaret" in html


# --- bad input ------------------------------------------------------------------------------------


BAD_VALUES = [
    pytest.param("6", id="above-scale"),
    pytest.param("0", id="below-scale"),
    pytest.param("-1", id="negative"),
    pytest.param("4711", id="far-off"),
    pytest.param("9" * 40, id="huge"),
    pytest.param("3\x00", id="nul"),
    pytest.param("\x00", id="only-nul"),
    pytest.param("2.5", id="fraction"),
    pytest.param("tre", id="word"),
]


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_a_bad_value_is_refused_with_nothing_saved_and_her_choices_kept(anna, world, bad):
    every = answer_all(world.assessment, 3)
    start(anna, world)
    url = base(world) + "/side/1"
    anna.post(url, data=page_data(anna, url, every[0]))
    before = saved(world)
    keys = list(every[0])
    posted = {keys[0]: 1, keys[1]: 5, keys[2]: bad}
    response = anna.post(url, data=page_data(anna, url, posted))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Dine svar på siden blev ikke gemt" in html
    # The summary links to the statement's fieldset, which is marked and carries the message.
    message = "Svaret på udsagn 3 skal være et tal fra 1 til 5."
    assert f'<li><a href="#udsagn-{keys[2]}">{message}</a></li>' in html
    fieldset = re.search(rf'<fieldset[^>]*id="udsagn-{keys[2]}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in fieldset
    assert f'aria-describedby="udsagn-{keys[2]}-fejl"' in fieldset
    assert re.search(
        rf'id="udsagn-{keys[2]}-fejl"><span class="sr-only">Fejl: </span>{message}', html
    )
    assert html.count('aria-invalid="true"') == 1
    # What she chose is still checked, nothing of the post was saved.
    checked = checked_values(html)
    assert checked[f"svar-{keys[0]}"] == "1" and checked[f"svar-{keys[1]}"] == "5"
    assert f"svar-{keys[2]}" not in checked
    assert saved(world) == before


@pytest.mark.parametrize(
    "field",
    [
        pytest.param("svar-samarbejde-viden-1", id="item-of-another-page"),
        pytest.param("svar-findes-ikke", id="unknown-item"),
        pytest.param("svar-\x00", id="nul-in-name"),
    ],
)
def test_an_answer_that_is_not_on_the_page_is_refused(anna, world, field):
    start(anna, world)
    url = base(world) + "/side/1"
    first = next(iter(answer_all(world.assessment)[0]))
    data = page_data(anna, url, {first: 2})
    data[field] = "3"
    response = anna.post(url, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<li>Et af svarene hører ikke til side 1.</li>" in html  # no statement to point at
    assert 'aria-invalid="true"' not in html
    assert saved(world) == {}


@pytest.mark.parametrize("number", [0, 7, 999, 10**30])
def test_a_page_that_does_not_exist_is_not_found(anna, world, number):
    start(anna, world)
    url = f"{base(world)}/side/{number}"
    assert anna.get(url).status_code == 404
    data = {"csrf_token": token(anna), "sequence": "0", "svar-x": "3"}
    assert anna.post(url, data=data).status_code == 404
    assert saved(world) == {}


@pytest.mark.parametrize("sequence", ["", "abc", "-1", "9" * 30, "0x", "\x00"])
def test_a_sequence_that_cannot_be_read_is_refused(anna, world, sequence):
    start(anna, world)
    url = base(world) + "/side/1"
    data = page_data(anna, url, answer_all(world.assessment)[0])
    data["sequence"] = sequence
    response = anna.post(url, data=data)
    assert response.status_code == 400
    assert "dine svar blev ikke gemt" in response.get_data(as_text=True)
    assert saved(world) == {}


def test_a_page_from_a_completed_measurement_is_refused(anna, world):
    """A stale tab: a page of the løbende measurement she has since completed, posted after she
    started the next one."""
    a = world.assessment
    start(anna, world, "adhoc")
    url = base(world, "adhoc") + "/side/1"
    stale = page_data(anna, url, answer_all(a, 1)[0])
    assert stale["sequence"] == "1"
    for number, answers in enumerate(answer_all(a, 4), start=1):
        taking.save_page(world.anna, world.cohort, a, "adhoc", number, answers, NOW)
    taking.complete(world.anna, world.cohort, a, "adhoc", NOW)
    start(anna, world, "adhoc")  # the next one, sequence 2
    response = anna.post(url, data=stale)
    assert response.status_code == 409
    assert "Du har allerede afsluttet denne måling" in response.get_data(as_text=True)
    assert saved(world, "adhoc") == {}  # the new one got nothing
    db.session.expire_all()
    completed = db.session.scalars(
        select(AssessmentAnswer.value)
        .join(AssessmentResponse)
        .where(AssessmentResponse.point == MeasurementPoint.ADHOC, AssessmentResponse.sequence == 1)
    ).all()
    assert set(completed) == {4} and len(completed) == 54


def test_a_page_of_another_measurement_point_is_refused(anna, world):
    """The start page's form (sequence 0) posted to the løbende measurement (sequence 1)."""
    start(anna, world)
    start(anna, world, "adhoc")
    start_page = page_data(anna, base(world) + "/side/1", answer_all(world.assessment)[0])
    response = anna.post(base(world, "adhoc") + "/side/1", data=start_page)
    assert response.status_code == 409
    assert saved(world, "adhoc") == {} and saved(world) == {}


def test_posting_a_page_of_a_completed_start_is_refused(anna, world):
    a = world.assessment
    start(anna, world)
    url = base(world) + "/side/1"
    stale = page_data(anna, url, answer_all(a, 1)[0])
    for number, answers in enumerate(answer_all(a, 5), start=1):
        taking.save_page(world.anna, world.cohort, a, "start", number, answers, NOW)
    taking.complete(world.anna, world.cohort, a, "start", NOW)
    response = anna.post(url, data=stale)
    assert response.status_code == 409
    assert "Du har allerede afsluttet denne måling" in response.get_data(as_text=True)
    assert set(saved(world).values()) == {5}
    again = start(anna, world)
    assert again.status_code == 409


def test_completing_with_statements_missing_is_refused(anna, world):
    a = world.assessment
    start(anna, world)
    every = answer_all(a)
    for number in (1, 2, 4, 5, 6):
        taking.save_page(world.anna, world.cohort, a, "start", number, every[number - 1], NOW)
    taking.save_page(world.anna, world.cohort, a, "start", 3, dict(list(every[2].items())[:7]), NOW)
    html = anna.get(base(world) + "/afslut").get_data(as_text=True)
    assert "Afslut og se dit hjul" not in html  # no button while something is missing
    assert "mangler 2 udsagn" in html and f'href="{base(world)}/side/3"' in html
    assert "Du mangler at svare på 2 udsagn" in html
    response = anna.post(
        base(world) + "/afslut", data={"csrf_token": csrf_token_from(html), "sequence": "0"}
    )
    assert response.status_code == 422
    assert "Du mangler at svare på 2 udsagn (side 3)." in response.get_data(as_text=True)
    assert completed_count() == 0


def test_pressing_finish_twice_shows_her_wheel_the_second_time(anna, world):
    """A double click on "Afslut og se dit hjul": the second post finds the measurement it was for
    completed and sends her to her wheel too, with no error and nothing written twice."""
    a = world.assessment
    start(anna, world)
    for number, answers in enumerate(answer_all(a), start=1):
        taking.save_page(world.anna, world.cohort, a, "start", number, answers, NOW)
    data = {"csrf_token": token(anna, base(world) + "/afslut"), "sequence": "0"}
    wheel = f"/kompetencehjul/hjul/{a.id}"
    first = anna.post(base(world) + "/afslut", data=data)
    assert first.status_code == 302 and first.location.endswith(wheel)
    second = anna.post(base(world) + "/afslut", data=data)
    assert second.status_code == 302 and second.location.endswith(wheel)
    with anna.session_transaction() as flask_session:
        assert flask_session["_flashes"] == [("success", "Tak. Din måling er gemt.")]
    html = anna.get(second.location).get_data(as_text=True)
    assert "allerede afsluttet" not in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AssessmentResponse)) == 1


def test_pressing_finish_twice_on_a_lobende_measurement_starts_no_new_one(anna, world):
    a = world.assessment
    start(anna, world, "adhoc")
    for number, answers in enumerate(answer_all(a), start=1):
        taking.save_page(world.anna, world.cohort, a, "adhoc", number, answers, NOW)
    data = {"csrf_token": token(anna, base(world, "adhoc") + "/afslut"), "sequence": "1"}
    for _ in range(2):
        response = anna.post(base(world, "adhoc") + "/afslut", data=data)
        assert response.status_code == 302
        assert response.location.endswith(f"/kompetencehjul/hjul/{a.id}")
    db.session.expire_all()
    assert db.session.scalars(select(AssessmentResponse.sequence)).all() == [1]


def test_finishing_a_measurement_that_is_not_the_one_posted_is_still_refused(anna, world):
    """A finish page posted for a measurement that was never completed (a forged or mistyped
    sequence) is refused as before: only a completed one leads to the wheel."""
    start(anna, world, "adhoc")
    data = {"csrf_token": token(anna), "sequence": "3"}
    response = anna.post(base(world, "adhoc") + "/afslut", data=data)
    assert response.status_code == 409
    assert "Du har allerede afsluttet denne måling" in response.get_data(as_text=True)
    assert completed_count() == 0


# --- a page that was too old (CSRF) ---------------------------------------------------------------


def test_a_page_posted_with_an_old_token_keeps_her_choices_and_saves_nothing(anna, world):
    start(anna, world)
    url = base(world) + "/side/1"
    keys = list(answer_all(world.assessment)[0])
    data = page_data(anna, url, {keys[0]: 2, keys[1]: 5, keys[4]: 1})
    data["csrf_token"] = "udloebet"
    response = anna.post(url, data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Dine svar blev ikke gemt, fordi siden var for gammel." in html
    assert "Dine valg står her stadig" in html
    assert "Side 1 af 6" in html  # the page itself, not the general page
    assert checked_values(html) == {
        f"svar-{keys[0]}": "2",
        f"svar-{keys[1]}": "5",
        f"svar-{keys[4]}": "1",
    }
    assert saved(world) == {}
    # The page carries a fresh token: pressing the button again saves what she chose.
    again = {**data, "csrf_token": csrf_token_from(html)}
    assert anna.post(url, data=again).status_code == 302
    assert len(saved(world)) == 3


def test_the_finish_page_posted_with_an_old_token_completes_nothing(anna, world):
    a = world.assessment
    start(anna, world)
    for number, answers in enumerate(answer_all(a), start=1):
        taking.save_page(world.anna, world.cohort, a, "start", number, answers, NOW)
    response = anna.post(base(world) + "/afslut", data={"csrf_token": "x", "sequence": "0"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Målingen blev ikke afsluttet, fordi siden var for gammel." in html
    assert "Afslut og se dit hjul" in html
    db.session.expire_all()
    assert db.session.scalar(select(AssessmentResponse.completed_on)) is None
    again = {"csrf_token": csrf_token_from(html), "sequence": "0"}
    done = anna.post(base(world) + "/afslut", data=again)
    assert done.status_code == 302 and done.location.endswith(f"/kompetencehjul/hjul/{a.id}")


def test_an_old_token_on_a_page_that_is_no_longer_hers_to_answer_gets_the_general_page(
    app, anna, world, caplog
):
    """A stale page of another measurement, a measurement not started, someone not enrolled:
    the general page for an old form, which shows nothing of the measurement (and the recovery
    decides so without failing)."""
    url = base(world) + "/side/1"
    data = {"csrf_token": "x", "sequence": "0", "svar-x": "3"}
    not_started = anna.post(url, data=data)
    assert not_started.status_code == 400
    assert "Det, du sendte, blev ikke gemt" in not_started.get_data(as_text=True)
    start(anna, world)
    other_sequence = anna.post(url, data={**data, "sequence": "1"})
    assert "Det, du sendte, blev ikke gemt" in other_sequence.get_data(as_text=True)
    assert anna.post(base(world) + "/side/99", data=data).status_code == 400
    stranger = factories.user(org=db.session.get(Organisation, world.anna.organisation_id))
    other = app.test_client()
    sign_in(other, stranger.email)
    response = other.post(url, data=data)
    assert response.status_code == 400
    assert "Side 1 af 6" not in response.get_data(as_text=True)
    assert saved(world) == {}
    assert "Could not re-render" not in caplog.text


# --- who reaches the pages ------------------------------------------------------------------------


def test_someone_not_enrolled_gets_404_everywhere(client, world, clock):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    stranger = factories.user(org=db.session.get(Organisation, world.anna.organisation_id))
    sign_in(client, stranger.email)
    overview = client.get("/kompetencehjul")
    assert overview.status_code == 200
    assert "Ingen af dine forløb har et kompetencehjul endnu" in overview.get_data(as_text=True)
    csrf = token(client)
    for suffix in ("", "/side/1", "/afslut"):
        assert client.get(base(world) + suffix).status_code == 404
        data = {"csrf_token": csrf, "sequence": "0"}
        assert client.post(base(world) + suffix, data=data).status_code == 404
    assert client.post(base(world) + "/ekstern", data={"csrf_token": csrf}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AssessmentResponse)) == 0


def test_a_round_without_a_tool_and_a_point_that_does_not_exist_are_not_found(client, world, clock):
    sign_in(client, world.anna.email)
    assert client.get(base(world)).status_code == 404
    assert client.get(base(world) + "/side/1").status_code == 404
    overview = client.get("/kompetencehjul").get_data(as_text=True)
    assert "Ingen af dine forløb har et kompetencehjul endnu" in overview
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    for point in ("slut", "START", "adhoc%00", "start\x00"):
        assert client.get(f"/kompetencehjul/{world.cohort.id}/{point}").status_code == 404
    assert client.get(f"/kompetencehjul/{10**30}/start").status_code == 404
    assert client.get("/kompetencehjul/999999/start").status_code == 404
    # A round with this platform's assessment has no external dispatch.
    response = client.post(base(world) + "/ekstern", data={"csrf_token": token(client)})
    assert response.status_code == 404


def test_the_end_point_before_it_opens_says_when_and_writes_nothing(anna, world):
    intro = anna.get(base(world, "end"))
    assert intro.status_code == 200
    html = intro.get_data(as_text=True)
    assert "Slutmålingen åbner 31. maj 2026." in html
    assert 'type="submit" class="button button-primary">Start' not in html
    response = start(anna, world, "end")
    assert response.status_code == 409
    assert "Slutmålingen åbner 31. maj 2026." in response.get_data(as_text=True)
    assert anna.get(base(world, "end") + "/side/1").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AssessmentResponse)) == 0
    assert db.session.scalar(select(func.count()).select_from(AssessmentParticipation)) == 0
    overview = anna.get("/kompetencehjul").get_data(as_text=True)
    assert "Åbner søndag 31. maj 2026." in overview


def test_the_end_point_opens_on_its_day(client, world, clock):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    clock.now = END_TIME
    sign_in(client, world.anna.email)
    response = start(client, world, "end")
    assert response.status_code == 302 and response.location.endswith("/end/side/1")


def test_a_closed_round_takes_nothing(anna, world):
    start(anna, world)
    world.cohort.closed_at = NOW
    db.session.flush()
    url = base(world) + "/side/1"
    data = {"csrf_token": token(anna), "sequence": "0"}
    data.update({f"svar-{key}": "3" for key in answer_all(world.assessment)[0]})
    response = anna.post(url, data=data)
    assert response.status_code == 409
    assert "er lukket" in response.get_data(as_text=True)
    assert saved(world) == {}
    assert anna.get(url).status_code == 302


# --- the intro ------------------------------------------------------------------------------------


def test_the_intro_shows_the_demo_label_the_anonymity_text_and_the_film(anna, world):
    html = anna.get(base(world)).get_data(as_text=True)
    assert "Forløbsplatformens eget demo-kompetencehjul – ikke Center for Digital Dannelses" in html
    assert "Er mine svar anonyme?" in html and "Dine svar er anonyme." in html
    # A participation row is written when she starts, and the text says so.
    assert "ét sted står kun, at du er startet på og har gennemført en måling" in html
    assert "54 udsagn" in html and "30 minutter" in html
    assert html.count("<p>Her kortlægger du") == 1  # the intro text in paragraphs
    assert "<iframe" not in html
    world.assessment.intro_video_url = "https://vimeo.com/12345"
    world.assessment.intro_da = "Første afsnit <b>fed</b>\n\nAndet afsnit"
    db.session.flush()
    html = anna.get(base(world)).get_data(as_text=True)
    assert "Afspil video" in html and "<iframe" not in html  # nothing loads before she asks
    assert "<p>Første afsnit &lt;b&gt;fed&lt;/b&gt;</p>" in html and "<p>Andet afsnit</p>" in html
    played = anna.get(base(world) + "?vis=intro").get_data(as_text=True)
    assert '<iframe src="https://player.vimeo.com/video/12345?dnt=1"' in played


def test_the_intro_of_a_new_adhoc_measurement_says_how_often_she_took_it(anna, world):
    def take_adhoc() -> None:
        a = world.assessment
        taking.start_or_resume(world.anna, world.cohort, a, "adhoc", NOW)
        for number, answers in enumerate(answer_all(a), start=1):
            taking.save_page(world.anna, world.cohort, a, "adhoc", number, answers, NOW)
        taking.complete(world.anna, world.cohort, a, "adhoc", NOW)

    take_adhoc()
    html = anna.get(base(world, "adhoc")).get_data(as_text=True)
    assert "Du har taget den én gang, senest 10. februar 2026." in html
    assert "Du starter en ny måling." in html
    assert "Du har taget den én gang" in anna.get("/kompetencehjul").get_data(as_text=True)
    take_adhoc()
    html = anna.get(base(world, "adhoc")).get_data(as_text=True)
    assert "Du har taget den 2 gange, senest 10. februar 2026." in html
    world.anna.locale = "en"
    db.session.flush()
    assert "You have taken it 2 times" in anna.get(base(world, "adhoc")).get_data(as_text=True)


# --- the overview ---------------------------------------------------------------------------------


def test_the_overview_shows_each_point_with_its_status(anna, world):
    html = anna.get("/kompetencehjul").get_data(as_text=True)
    assert "Forår" in html and "Startmåling" in html and "Slutmåling" in html
    assert "Løbende måling: tag den, når du vil følge din udvikling." in html
    assert "Ikke startet." in html and "Se dit kompetencehjul" not in html
    assert "Se gennemsnit" not in html
    start(anna, world)
    url = base(world) + "/side/1"
    anna.post(url, data=page_data(anna, url, answer_all(world.assessment)[0]))
    html = anna.get("/kompetencehjul").get_data(as_text=True)
    assert "I gang" in html and "9 af 54 udsagn besvaret." in html and "Fortsæt" in html


def test_a_coordinator_who_takes_part_sees_the_link_to_the_averages(anna, world):
    org = db.session.get(Organisation, world.anna.organisation_id)
    directory.assign_role(world.anna, Role.COORDINATOR, organisation=org)
    html = anna.get("/kompetencehjul").get_data(as_text=True)
    assert "Se gennemsnit for ledergrupper og organisationer" in html
    assert 'href="/kompetencehjul/gennemsnit"' in html


# --- an external tool -----------------------------------------------------------------------------


def external(world: World) -> None:
    round_tools.set_tool(world.cohort, external_url=EXTERNAL_URL)


def dispatches() -> list[tuple[int, int, str]]:
    db.session.expire_all()
    return [
        (row.user_id, row.cohort_id, row.point.value)
        for row in db.session.scalars(select(AssessmentDispatch))
    ]


def test_the_external_tool_records_the_dispatch_once(client, world, clock):
    external(world)
    sign_in(client, world.anna.email)
    html = client.get("/kompetencehjul").get_data(as_text=True)
    assert "Gå til kompetencehjulet (åbner en anden hjemmeside)" in html
    assert "Du er ikke sendt videre endnu." in html
    data = {"csrf_token": csrf_token_from(html)}
    for _ in range(2):  # a double click
        response = client.post(base(world) + "/ekstern", data=data)
        assert response.status_code == 302 and response.location == EXTERNAL_URL
    assert dispatches() == [(world.anna.id, world.cohort.id, "start")]
    html = client.get("/kompetencehjul").get_data(as_text=True)
    assert "Du er sendt videre til kompetencehjulet." in html
    # The pages of this platform's assessment do not exist for the round.
    assert client.get(base(world)).status_code == 404


def test_adhoc_dispatch_records_nothing_and_a_closed_point_sends_nowhere(client, world, clock):
    external(world)
    sign_in(client, world.anna.email)
    data = {"csrf_token": token(client)}
    response = client.post(base(world, "adhoc") + "/ekstern", data=data)
    assert response.status_code == 302 and response.location == EXTERNAL_URL
    assert dispatches() == []
    response = client.post(base(world, "end") + "/ekstern", data=data)
    assert response.status_code == 302 and response.location.endswith("/kompetencehjul")
    assert dispatches() == []
    assert "Slutmålingen åbner 31. maj 2026." in client.get("/kompetencehjul").get_data(
        as_text=True
    )
    assert client.post(base(world, "slut") + "/ekstern", data=data).status_code == 404


def test_a_closed_external_round_does_not_say_she_is_yet_to_be_sent(client, world, clock):
    external(world)
    world.cohort.closed_at = NOW
    db.session.flush()
    sign_in(client, world.anna.email)
    html = client.get("/kompetencehjul").get_data(as_text=True)
    assert "Du er ikke sendt videre endnu." not in html
    assert html.count("Forløbet er lukket.</p>") == 3  # each point says so
    assert "Gå til kompetencehjulet" not in html


def test_dispatch_needs_a_csrf_token(client, world, clock):
    external(world)
    sign_in(client, world.anna.email)
    response = client.post(base(world) + "/ekstern", data={})
    assert response.status_code == 400
    assert dispatches() == []


# --- privacy --------------------------------------------------------------------------------------


def test_no_answer_reaches_a_flash_message_or_the_log(anna, world, caplog):
    a = world.assessment
    keys = [list(page) for page in answer_all(a)]
    with caplog.at_level(logging.DEBUG):
        start(anna, world)
        url = base(world) + "/side/1"
        anna.post(url, data=page_data(anna, url, {keys[0][0]: "4711", keys[0][1]: "4"}))
        anna.post(url, data=page_data(anna, url, {keys[0][0]: "2"}, action="later"))
        with anna.session_transaction() as flask_session:
            flashes = [message for _, message in flask_session.get("_flashes", [])]
        for number, answers in enumerate(answer_all(a, 5), start=1):
            page_url = f"{base(world)}/side/{number}"
            anna.post(page_url, data=page_data(anna, page_url, answers))
        finish = anna.get(base(world) + "/afslut").get_data(as_text=True)
        anna.post(
            base(world) + "/afslut", data={"csrf_token": csrf_token_from(finish), "sequence": "0"}
        )
        with anna.session_transaction() as flask_session:
            flashes += [message for _, message in flask_session.get("_flashes", [])]
    assert flashes == [
        "Dine svar er gemt. Du kan fortsætte, når du vil.",
        "Tak. Din måling er gemt.",
    ]
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "4711" not in logged
    assert not any(key in logged for page in keys for key in page)
    assert "svar-" not in logged


def test_pages_stack_their_options_and_label_every_radio(anna, world):
    start(anna, world)
    html = anna.get(base(world) + "/side/2").get_data(as_text=True)
    radios = re.findall(r'<input class="form-radio" type="radio" id="([^"]+)"', html)
    assert len(radios) == 45 and len(set(radios)) == 45
    for radio_id in radios:
        assert f'<label for="{radio_id}">' in html
    assert html.count('class="form-group-radio"') == 45
    assert "Side 2 af 6" in html


def test_the_pages_speak_english_to_a_leader_who_chose_it(anna, world):
    world.anna.locale = "en"
    db.session.flush()
    intro = anna.get(base(world)).get_data(as_text=True)
    assert "Are my answers anonymous?" in intro
    assert "one place only says that you have started and completed a measurement" in intro
    assert "not the Center for Digital Dannelse tool" in intro
    assert "You respond to 54 statements. It takes about 30 minutes." in intro
    start(anna, world)
    html = anna.get(base(world) + "/side/1").get_data(as_text=True)
    assert "Page 1 of 6" in html and "0 of 54 statements answered" in html
    assert "Save and continue" in html and "4 – Mostly true of me" in html
    overview = anna.get("/kompetencehjul").get_data(as_text=True)
    assert "Ongoing assessment: take it whenever you want to follow your development." in overview


def test_without_the_pseudonym_key_the_pages_say_so_and_write_nothing(app, anna, world):
    csrf = token(anna)
    with app_config(app, ASSESSMENT_PSEUDONYM_KEY=None):
        for url in ("/kompetencehjul", base(world), base(world) + "/side/1"):
            response = anna.get(url)
            assert response.status_code == 503
            assert "ikke sat op på denne platform" in response.get_data(as_text=True)
        assert anna.post(base(world), data={"csrf_token": csrf}).status_code == 503
    assert db.session.scalar(select(func.count()).select_from(AssessmentResponse)) == 0
