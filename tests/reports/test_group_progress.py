"""A leader group's members × modules, in a number of queries that does not grow with the group."""

from __future__ import annotations

from course_app.accounts.models import User
from course_app.cohorts.models import Enrolment
from course_app.learning import services as learning
from course_app.organisations import services as directory
from course_app.progress.models import ProgressState
from course_app.reports.services import group_progress
from tests import factories


def _group_with_members(count: int):
    org = factories.organisation()
    course = factories.course()
    cohort = factories.cohort(course, orgs=[org])
    group = factories.group(org)
    enrolments: list[Enrolment] = []
    for _ in range(count):
        leader, enrolment = factories.enrolled_leader(cohort, org=org)
        directory.move_to_group(leader, group)
        enrolments.append(enrolment)
    return group, cohort, enrolments


def _finish_film_lesson(enrolment: Enrolment) -> None:
    learning.answer_question(enrolment, "spoergsmaal-1", "Svar", submit=True)
    learning.complete_lesson(enrolment, "lektion-film")


def test_group_progress_counts_states_per_module(session):
    group, cohort, enrolments = _group_with_members(3)
    _finish_film_lesson(enrolments[0])
    _finish_film_lesson(enrolments[1])
    learning.complete_lesson(enrolments[1], "lektion-tekst")
    progress = group_progress(group, cohort)
    module_a, module_b = progress.modules
    assert len(progress.members) == 3
    assert progress.count(module_a, ProgressState.DONE) == 1
    assert progress.count(module_a, ProgressState.IN_PROGRESS) == 1
    assert progress.count(module_a, ProgressState.NOT_STARTED) == 1
    assert progress.count(module_b, ProgressState.NOT_STARTED) == 3
    # 3 done lessons of 3 members × 3 lessons
    assert progress.completion_percent == 33


def test_member_who_left_the_group_is_not_counted(session):
    group, cohort, enrolments = _group_with_members(2)
    org = group.organisation
    other = factories.group(org)
    directory.move_to_group(session.get(User, enrolments[0].user_id), other)
    assert [m.user.id for m in group_progress(group, cohort).members] == [enrolments[1].user_id]


def test_group_progress_query_count_does_not_grow_with_members(session, count_statements):
    small, small_cohort, _ = _group_with_members(5)
    large, large_cohort, large_enrolments = _group_with_members(50)
    for enrolment in large_enrolments[:20]:
        _finish_film_lesson(enrolment)
    session.flush()
    group_progress(small, small_cohort)  # the course outline is read once, then kept in memory
    session.expire_all()
    with count_statements() as few:
        group_progress(small, small_cohort)
    session.expire_all()
    with count_statements() as many:
        group_progress(large, large_cohort)
    assert many.count == few.count <= 10, many.statements


def test_the_dashboard_says_which_lessons_count_only_once_the_film_is_seen(client, session):
    from sqlalchemy import select

    from course_app.courses.models import CompletionRule, Lesson
    from course_app.organisations.models import Role
    from tests.helpers import sign_in

    group, cohort, _enrolments = _group_with_members(1)
    facilitator = factories.user(org=group.organisation)
    directory.assign_role(facilitator, Role.FACILITATOR, group=group)
    session.commit()
    sign_in(client, facilitator.email)
    url = f"/ledergrupper/{group.id}"
    rule = "En lektion tæller som færdig, når deltageren har markeret den som færdig"
    page = client.get(url).get_data(as_text=True)
    assert rule in page and "set filmen" not in page

    lesson = session.scalar(
        select(Lesson).where(Lesson.course_id == cohort.course_id, Lesson.key == "lektion-film")
    )
    lesson.completion, lesson.watched_percent = CompletionRule.WATCHED, 80
    session.commit()
    page = client.get(url).get_data(as_text=True)

    assert "Denne lektion tæller først, når deltageren også har set filmen:" in page
    assert "Film og refleksion</span> (mindst 80 %)." in page
