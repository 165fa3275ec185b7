"""The group page: the next leader meeting, readiness as counts (never names), the question set with
the number of shared answers, the meeting note and the way to the printable sheet."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from course_app.cohorts import services as cohorts
from course_app.core.db import utcnow
from course_app.courses.models import ModuleMode
from course_app.groups.services import modules_before, next_meeting
from course_app.learning import services as learning
from course_app.organisations import services as directory
from tests import factories
from tests.groups.conftest import A_SHARED, B_PRIVATE, build_course
from tests.helpers import post_form


def _finish_module(enrolment, *lesson_keys: str) -> None:
    for key in lesson_keys:
        learning.complete_lesson(enrolment, key)


def test_my_group_sends_a_member_to_the_group_page(world, browser):
    response = browser(world.a).get("/min-ledergruppe")
    assert response.status_code == 302
    assert response.headers["Location"] == world.group_url()


def test_my_group_without_a_group_explains_and_lists_groups_one_chairs(world, browser):
    html = browser(world.h).get("/min-ledergruppe").get_data(as_text=True)
    assert "Du er ikke med i en ledergruppe lige nu." in html
    assert f'href="{world.group_url()}"' in html
    html = browser(world.ka).get("/min-ledergruppe").get_data(as_text=True)
    assert "Du er ikke med i en ledergruppe lige nu." in html
    assert "/grupper/" not in html


def test_group_page_shows_the_next_meeting_readiness_and_question_set(session, world, browser):
    _finish_module(world.enrolments["a"], "film-1-lektion")
    session.commit()
    response = browser(world.b).get(world.group_url())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Næste ledermøde" in html and "Ledermøde 1" in html
    assert "første af forløbets ledermøder, som mødelederen endnu ikke har skrevet" in html
    assert 'har gennemført <span lang="da">Film 1</span>' in html
    assert '1 af 2 har gennemført <span lang="da">Film 1</span>' in html
    assert '0 af 2 har gennemført <span lang="da">Film 2</span>' in html
    assert "Workshop 1" not in html and "Film 3" not in html
    assert "Spørgsmål lg-1-q1?" in html and "Spørgsmål lg-1-q2?" in html
    assert "(1 delt svar)" in html and "(ingen delte svar endnu)" in html
    assert f'href="{world.review_url("lg-1-q1")}"' in html
    assert f'href="{world.sheet_url()}"' in html
    assert f'href="{world.module_url()}"' in html  # the member's own answers
    assert "Mødelederen har ikke skrevet mødenoter til mødet endnu." in html
    # Counts only: no answer text and no other member's name on the group page.
    assert "Anna Andersen" not in html
    assert A_SHARED not in html and B_PRIVATE not in html


def test_readiness_counts_current_active_members_only(session, world, browser):
    # E is a member but not enrolled: counted as not done. G left; Z is deactivated.
    e = factories.user(org=world.albertslund, name="Erik Ikke Tilmeldt")
    directory.move_to_group(e, world.g1)
    g, g_enrolment = factories.enrolled_leader(world.cohort, org=world.albertslund, name="Gitte")
    directory.move_to_group(g, world.g1)
    _finish_module(g_enrolment, "film-1-lektion")
    directory.move_to_group(g, world.g2)
    z, z_enrolment = factories.enrolled_leader(world.cohort, org=world.albertslund, name="Zenia")
    directory.move_to_group(z, world.g1)
    _finish_module(z_enrolment, "film-1-lektion")
    z.deactivated_at = utcnow()
    _finish_module(world.enrolments["b"], "film-1-lektion", "film-2-lektion")
    session.commit()
    html = browser(world.a).get(world.group_url()).get_data(as_text=True)
    assert '1 af 3 har gennemført <span lang="da">Film 1</span>' in html
    assert '1 af 3 har gennemført <span lang="da">Film 2</span>' in html


def test_the_next_meeting_moves_on_when_the_chair_writes_its_note(session, world, browser):
    h = browser(world.h)
    post_form(h, world.note_url("lg-1"), world.note_url("lg-1"), {"text": "Vi tager X med."})
    html = browser(world.a).get(world.group_url()).get_data(as_text=True)
    assert 'Næste ledermøde: <span lang="da">Ledermøde 2</span>' in html
    # Readiness now covers the individual modules since the previous meeting only.
    assert 'har gennemført <span lang="da">Film 3</span>' in html
    assert "Film 1</span>" not in html and "Workshop 1" not in html
    current, _, other = html.partition("Andre delte svar")
    assert "Spørgsmål lg-2-q1?" in current and "Spørgsmål lg-1-q1?" not in current
    # The first meeting's shared answers stay reachable.
    assert f'href="{world.review_url("lg-1-q1")}"' in other
    # Every meeting has a note: the page shows the last one, and says so.
    post_form(h, world.note_url("lg-2"), world.note_url("lg-2"), {"text": "Til workshop 2: Y."})
    html = browser(world.a).get(world.group_url()).get_data(as_text=True)
    assert 'Seneste ledermøde: <span lang="da">Ledermøde 2</span>' in html
    assert "alle forløbets ledermøder" in html
    assert "Til workshop 2: Y." in html
    assert "mødenoter skrevet" in html


def test_chair_who_is_not_a_member_sees_the_page_but_no_own_answer_link(world, browser):
    response = browser(world.h).get(world.group_url())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Næste ledermøde" in html
    assert "Skriv dine egne svar i modulet" not in html


def test_answers_shared_to_other_questions_are_listed_separately(session, world, browser):
    learning.answer_question(
        world.enrolments["b"], "film-1-q", "Fra film 1", submit=True, share=True
    )
    session.commit()
    html = browser(world.a).get(world.group_url()).get_data(as_text=True)
    assert "Andre delte svar" in html
    assert f'href="{world.review_url("film-1-q")}"' in html
    assert "Fra film 1" not in html


def test_group_without_a_cohort_gets_a_helpful_empty_state(session, browser):
    org = factories.organisation()
    group = factories.group(org)
    leader = factories.user(org=org)
    directory.move_to_group(leader, group)
    session.commit()
    html = browser(leader).get(f"/grupper/{group.id}").get_data(as_text=True)
    assert "Din ledergruppe er ikke med i et forløb endnu." in html


def test_course_without_leader_meetings_gets_a_helpful_empty_state(session, browser):
    org = factories.organisation()
    group = factories.group(org)
    cohort = factories.cohort(factories.course(), orgs=[org])
    leader, _ = factories.enrolled_leader(cohort, org=org)
    directory.move_to_group(leader, group)
    session.commit()
    html = browser(leader).get(f"/grupper/{group.id}").get_data(as_text=True)
    assert "Forløbet har ingen ledermøder endnu." in html


def test_the_current_cohort_of_the_organisation_is_used(session, world, browser):
    later = cohorts.create_cohort(
        build_course(),
        name="Hold 2",
        starts_on=world.cohort.starts_on + dt.timedelta(days=1),
        organisations=[world.albertslund],
    )
    session.commit()
    html = browser(world.b).get(world.group_url()).get_data(as_text=True)
    assert "Hold 2" in html
    # A's answer was shared in the first run: it is not part of the new run's counts.
    assert "(1 delt svar)" not in html
    assert later.id != world.cohort.id


# --- The rule, as plain functions ----------------------------------------------------------------


def _outline(*modes: ModuleMode, with_lessons: bool = True):
    return [
        SimpleNamespace(
            module=SimpleNamespace(id=index, mode=mode, key=f"m{index}"),
            lessons=[object()] if with_lessons else [],
        )
        for index, mode in enumerate(modes)
    ]


def test_next_meeting_is_the_first_without_a_note_else_the_last():
    i, g, w = ModuleMode.INDIVIDUAL, ModuleMode.GROUP, ModuleMode.WORKSHOP
    outline = _outline(i, g, w, i, g)
    meetings = [outline[1], outline[4]]
    assert next_meeting(meetings, set()) is outline[1]
    assert next_meeting(meetings, {1}) is outline[4]
    assert next_meeting(meetings, {4}) is outline[1]
    assert next_meeting(meetings, {1, 4}) is outline[4]
    assert next_meeting([], set()) is None
    assert [m.module.id for m in modules_before(outline, outline[1])] == [0]
    assert [m.module.id for m in modules_before(outline, outline[4])] == [3]
    empty = _outline(i, g, with_lessons=False)
    assert modules_before(empty, empty[1]) == []
