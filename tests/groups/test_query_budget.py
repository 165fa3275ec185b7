"""The group page and the review page issue the same number of SQL statements for 5 and for 50
members, each of whom has shared an answer, commented on answers and finished a film."""

from __future__ import annotations

from sqlalchemy import select

from course_app.courses.models import Block
from course_app.learning import services as learning
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.reflections import services as reflections
from course_app.reflections.models import ReflectionAnswer
from tests import factories
from tests.groups.conftest import build_course

BUDGET = 20


def _group_with_members(session, count: int):
    org = factories.organisation()
    course = build_course()
    cohort = factories.cohort(course, orgs=[org])
    group = factories.group(org)
    block_id = session.scalar(
        select(Block.id).where(Block.course_id == course.id, Block.key == "lg-1-q1")
    )
    members = []
    for index in range(count):
        leader, enrolment = factories.enrolled_leader(cohort, org=org, name=f"Leder {index:02}")
        directory.move_to_group(leader, group)
        learning.answer_question(enrolment, "lg-1-q1", f"Svar {index}", submit=True, share=True)
        learning.answer_question(enrolment, "film-1-q", f"Film {index}", submit=True, share=True)
        learning.complete_lesson(enrolment, "film-1-lektion")
        members.append(leader)
    answers = session.scalars(
        select(ReflectionAnswer.id).where(
            ReflectionAnswer.block_id == block_id, ReflectionAnswer.shared_group_id == group.id
        )
    ).all()
    for leader in members:
        viewer = viewer_for(leader)
        for answer_id in answers[:3]:
            reflections.add_comment(viewer, group, cohort.id, block_id, answer_id, "Godt!")
    session.commit()
    return group, cohort, members[0]


def _count(count_statements, client, url: str):
    with count_statements() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter, response.get_data(as_text=True)


def test_group_and_review_pages_do_not_grow_with_members(session, browser, count_statements):
    small_group, _, small_member = _group_with_members(session, 5)
    large_group, _, large_member = _group_with_members(session, 50)
    small, large = browser(small_member), browser(large_member)
    for path in ("", "/spoergsmaal/lg-1-q1", "/moeder/lg-1/print", "/moeder/lg-1"):
        few, few_html = _count(count_statements, small, f"/grupper/{small_group.id}{path}")
        many, many_html = _count(count_statements, large, f"/grupper/{large_group.id}{path}")
        assert many.count == few.count <= BUDGET, (path, many.statements)
        if path == "":
            assert "5 af 5 har gennemført" in few_html and "50 af 50 har gennemført" in many_html
        if path == "/spoergsmaal/lg-1-q1":
            assert few_html.count('class="shared-answer"') == 5
            assert many_html.count('class="shared-answer"') == 50
            assert many_html.count('class="comment"') == 150


def test_module_page_with_sharing_stays_within_its_budget(session, browser, count_statements):
    """The answer form's sharing adds a fixed cost (the current group and the groups' names)."""
    _group, cohort, member = _group_with_members(session, 5)
    client = browser(member)
    with count_statements() as counter:
        response = client.get(f"/forloeb/{cohort.id}/moduler/lg-1")
    assert response.status_code == 200
    assert "Dit svar er delt med" in response.get_data(as_text=True)
    assert counter.count <= BUDGET, counter.statements
