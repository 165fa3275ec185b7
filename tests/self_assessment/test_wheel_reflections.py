"""Her private reflections on the wheel page: saved all at once, normalised, never lost (too long,
stale tab, unknown prompt, double POST), hers alone; in her export, gone after erasure."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from course_app.privacy import export
from course_app.self_assessment import personal_data, round_tools, taking, wheel_reflections
from course_app.self_assessment.models import MeasurementPoint
from course_app.self_assessment.round_models import AssessmentDispatch, WheelReflection
from course_app.self_assessment.wheel_reflections import (
    MAX_LENGTH,
    Posted,
    ReflectionsChanged,
    ReflectionsRefused,
)
from tests.conftest import csrf_token_from
from tests.helpers import sign_in
from tests.self_assessment.conftest import NOW, answer_all

KEYS = ("vigtige", "ikke-vigtige", "styrke")


def _take(world, leader, point, value=3):
    a = world.assessment
    taking.start_or_resume(leader, world.cohort, a, point, NOW)
    for number, answers in enumerate(answer_all(a, value), start=1):
        taking.save_page(leader, world.cohort, a, point, number, answers, NOW)
    return taking.complete(leader, world.cohort, a, point, NOW)


@pytest.fixture
def ready(world, session):
    """The round uses the demo model; anna has completed her start measurement."""
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    _take(world, world.anna, "start")
    session.commit()
    return world


@pytest.fixture
def browser(app, client):
    def open_as(person):
        new = app.test_client()
        assert sign_in(new, person.email).status_code == 302
        return new

    return open_as


def _url(world) -> str:
    return f"/kompetencehjul/hjul/{world.assessment.id}"


def _saved(session, user, world) -> dict[str, WheelReflection]:
    session.expire_all()
    rows = session.scalars(
        select(WheelReflection).where(
            WheelReflection.user_id == user.id,
            WheelReflection.assessment_id == world.assessment.id,
        )
    )
    return {row.prompt_key: row for row in rows}


def _versions(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="refleksion-([^"]+)-version" type="hidden" value="(\d*)"', html))


class Page:
    """Her wheel page in one browser: what it showed, and posting its form."""

    def __init__(self, client, world):
        self.client, self.world = client, world
        self.load()

    def load(self):
        self.html = self.client.get(_url(self.world)).get_data(as_text=True)
        self.token = csrf_token_from(self.html)
        self.versions = _versions(self.html)

    def post(self, texts: dict[str, str], versions: dict[str, str] | None = None, **extra):
        versions = self.versions if versions is None else versions
        data = {"csrf_token": self.token, **extra}
        for key, text in texts.items():
            data[f"refleksion-{key}-text"] = text
            data[f"refleksion-{key}-version"] = versions.get(key, "0")
        return self.client.post(f"{_url(self.world)}/refleksioner", data=data)


def test_the_page_shows_three_labelled_prompts_with_versions(ready, browser):
    page = Page(browser(ready.anna), ready)
    assert page.versions == dict.fromkeys(KEYS, "0")
    for number, text in enumerate(
        (
            "Hvilke digitale kompetencer er vigtige på dit område?",
            "Hvilke digitale kompetencer er ikke vigtige på dit område?",
            "Hvad skal der til for at styrke de kompetencer, der er vigtigst på dit område?",
        ),
        start=1,
    ):
        assert f'<label class="form-label" for="refleksion-{number}">{text}</label>' in page.html
        assert f'<textarea aria-describedby="refleksion-{number}-hint' in page.html


def test_saving_all_three_redirects_back_with_a_message(ready, browser, session):
    anna = browser(ready.anna)
    page = Page(anna, ready)
    response = page.post({"vigtige": "Data", "ikke-vigtige": "Fax", "styrke": "Kurser"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{_url(ready)}#refleksioner")
    saved = _saved(session, ready.anna, ready)
    assert {key: row.text for key, row in saved.items()} == {
        "vigtige": "Data",
        "ikke-vigtige": "Fax",
        "styrke": "Kurser",
    }
    assert {row.version for row in saved.values()} == {1}
    html = anna.get(_url(ready)).get_data(as_text=True)
    assert "Dine refleksioner er gemt." in html
    assert "Data</textarea>" in html and _versions(html) == dict.fromkeys(KEYS, "1")


def test_control_characters_are_dropped_and_line_breaks_kept(ready, browser, session):
    page = Page(browser(ready.anna), ready)
    response = page.post({"vigtige": "  Først\x00 og\x07 så\r\nnæste linje  "})
    assert response.status_code == 302
    assert _saved(session, ready.anna, ready)["vigtige"].text == "Først og så\nnæste linje"


def test_an_empty_text_where_nothing_was_saved_writes_no_row(ready, browser, session):
    page = Page(browser(ready.anna), ready)
    assert page.post({key: "   " for key in KEYS}).status_code == 302
    assert _saved(session, ready.anna, ready) == {}


def test_too_long_is_refused_and_nothing_is_lost(ready, browser, session):
    page = Page(browser(ready.anna), ready)
    long_text = "MARKØR " + "x" * MAX_LENGTH
    response = page.post({"vigtige": "Kort svar", "styrke": long_text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Dit svar på spørgsmål 3 er for langt: højst 10.000 tegn" in html
    assert "MARKØR xxxx" in html and "Kort svar</textarea>" in html  # both texts kept
    assert 'aria-invalid="true"' in html
    assert _saved(session, ready.anna, ready) == {}  # all or nothing


def test_a_stale_tab_gets_409_with_her_text_and_the_saved_one(ready, browser, session):
    anna = browser(ready.anna)
    first, second = Page(anna, ready), Page(anna, ready)  # two tabs, both at version 0
    assert first.post({"vigtige": "Fra første fane"}).status_code == 302

    response = second.post({"vigtige": "Fra anden fane", "styrke": "Noget nyt"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Fra anden fane</textarea>" in html  # what she typed
    assert '<div class="user-text">Fra første fane</div>' in html  # what is saved
    assert "Noget nyt</textarea>" in html
    assert "et af svarene er blevet gemt et andet sted" in html
    saved = _saved(session, ready.anna, ready)
    assert {key: row.text for key, row in saved.items()} == {"vigtige": "Fra første fane"}
    # The form now carries the stored version: saving again is her deliberate choice.
    assert _versions(html)["vigtige"] == "1" and _versions(html)["styrke"] == "0"
    second.versions = _versions(html)
    assert second.post({"vigtige": "Fra anden fane", "styrke": "Noget nyt"}).status_code == 302
    saved = _saved(session, ready.anna, ready)
    assert (saved["vigtige"].text, saved["vigtige"].version) == ("Fra anden fane", 2)


def test_unknown_prompt_keys_are_refused(ready, browser, session):
    page = Page(browser(ready.anna), ready)
    response = page.post({"vigtige": "Mit svar", "hemmelig": "Tekst til intet"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Et af spørgsmålene findes ikke længere på siden" in html
    assert "Mit svar</textarea>" in html and "Tekst til intet" in html  # nothing lost
    assert _saved(session, ready.anna, ready) == {}


def test_a_double_post_and_an_unchanged_text_write_nothing_more(ready, browser, session):
    page = Page(browser(ready.anna), ready)
    texts = {"vigtige": "Samme tekst"}
    assert page.post(texts).status_code == 302
    assert page.post(texts).status_code == 302  # the same POST again (version 0 still)
    row = _saved(session, ready.anna, ready)["vigtige"]
    stamp = (row.version, row.updated_at)
    assert row.version == 1
    page.load()
    assert page.post({**texts, "styrke": ""}).status_code == 302
    row = _saved(session, ready.anna, ready)["vigtige"]
    assert (row.version, row.updated_at) == stamp
    assert "styrke" not in _saved(session, ready.anna, ready)


def test_a_missing_csrf_token_keeps_her_text(ready, browser, session):
    anna = browser(ready.anna)
    response = anna.post(
        f"{_url(ready)}/refleksioner", data={"refleksion-vigtige-text": "Uden token"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Uden token" in html and "fordi siden var for gammel" in html  # the wheel page again
    assert 'role="img"' in html
    assert _saved(session, ready.anna, ready) == {}


def test_nobody_else_can_post_or_read_her_reflections(ready, browser, session, world):
    page = Page(browser(ready.anna), ready)
    assert page.post({"vigtige": "ANNA-PRIVAT-refleksion"}).status_code == 302
    colleague = world.leaders[1]  # same round: her own page, empty
    html = browser(colleague).get(_url(ready)).get_data(as_text=True)
    assert "ANNA-PRIVAT-refleksion" not in html
    other = Page(browser(colleague), ready)
    assert "ANNA-PRIVAT-refleksion" not in other.html
    round_tools.set_tool(ready.cohort)  # the round no longer uses it; he has no measurement
    session.commit()
    response = other.post({"vigtige": "Forsøg"})
    assert response.status_code == 404
    assert _saved(session, colleague, ready) == {}


# --- the service ------------------------------------------------------------------------------------


def test_prompts_come_from_the_assessment_or_the_three_defaults(world):
    assessment = world.assessment
    assessment.reflection_prompts = [
        {"key": "egen", "da": "Et eget spørgsmål?", "en": "A question of its own?"},
        {"key": "x" * 65, "da": "For lang nøgle", "en": ""},  # left out
        "nonsense",
    ]
    assert [(p.key, str(p.text), p.number) for p in wheel_reflections.prompts(assessment)] == [
        ("egen", "Et eget spørgsmål?", 1)
    ]
    assessment.reflection_prompts = []
    assert [p.key for p in wheel_reflections.prompts(assessment)] == list(KEYS)


def test_the_service_refuses_and_detects_changes(world, session):
    anna, assessment = world.anna, world.assessment
    with pytest.raises(ReflectionsRefused) as refused:
        wheel_reflections.save_reflections(anna, assessment, {"ukendt": Posted("x", 0)})
    assert "" in refused.value.problems
    assert wheel_reflections.save_reflections(
        anna, assessment, {"vigtige": Posted("a", 0)}
    ) == frozenset({"vigtige"})
    # A version missing from the form compares as 0: it never overwrites saved text unseen.
    with pytest.raises(ReflectionsChanged) as changed:
        wheel_reflections.save_reflections(anna, assessment, {"vigtige": Posted("b", None)})
    assert changed.value.changed == frozenset({"vigtige"})
    assert (
        wheel_reflections.save_reflections(anna, assessment, {"vigtige": Posted("a\x00", None)})
        == frozenset()
    )
    shown = wheel_reflections.reflections(anna, assessment)
    assert [(r.prompt.key, r.text, r.version) for r in shown] == [
        ("vigtige", "a", 1),
        ("ikke-vigtige", "", 0),
        ("styrke", "", 0),
    ]


# --- her data: export and erasure ------------------------------------------------------------------


def test_export_has_her_reflections_and_dispatches_and_erasure_removes_them(world, session):
    anna, assessment = world.anna, world.assessment
    wheel_reflections.save_reflections(anna, assessment, {"vigtige": Posted("ANNA-REFL", 0)})
    wheel_reflections.save_reflections(
        world.leaders[1], assessment, {"vigtige": Posted("BO-REFL-canary", 0)}
    )
    session.add(
        AssessmentDispatch(user_id=anna.id, cohort_id=world.cohort.id, point=MeasurementPoint.START)
    )
    session.flush()

    sections = {section.key: section for section in export.personal_data(anna)}
    rows = sections["self_assessment_reflections"].rows
    assert [(r["question"], r["text"], r["version"]) for r in rows] == [
        ("Hvilke digitale kompetencer er vigtige på dit område?", "ANNA-REFL", 1)
    ]
    assert "BO-REFL-canary" not in repr(sections)
    assert sections["self_assessment_dispatches"].rows == [{"round": "Forår", "point": "start"}]

    personal_data.forget(anna)
    session.expire_all()
    assert (
        session.scalars(select(WheelReflection).where(WheelReflection.user_id == anna.id)).all()
        == []
    )
    assert (
        session.scalars(
            select(AssessmentDispatch).where(AssessmentDispatch.user_id == anna.id)
        ).all()
        == []
    )
    assert len(session.scalars(select(WheelReflection)).all()) == 1  # the colleague's stays


@pytest.mark.parametrize(
    "value",
    ["\x00" * 64, "tekst \udfff med \ud83d halve tegn", "æ\x00" * 300_000, "9" * 400, "-1", ""],
)
def test_hostile_values_never_cause_a_server_error(ready, browser, session, value):
    anna = browser(ready.anna)
    token = csrf_token_from(anna.get(_url(ready)).get_data(as_text=True))
    fields = [
        ("csrf_token", token),
        ("refleksion-vigtige-text", value),
        ("refleksion-vigtige-version", value),
        (f"refleksion-{value[:40]}-text", value),
        ("refleksion-styrke-version", value),
    ]
    body = urlencode(
        [
            (key.encode("utf-8", "surrogatepass"), text.encode("utf-8", "surrogatepass"))
            for key, text in fields
        ]
    )
    response = anna.post(
        f"{_url(ready)}/refleksioner",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 409, 413, 422)
    for row in _saved(session, ready.anna, ready).values():
        assert "\x00" not in row.text and len(row.text) <= MAX_LENGTH
