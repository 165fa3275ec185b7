"""Learning goals: the services (create, edit, retire, restore, tag, coverage) and the admin pages."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.courses import goals
from course_app.courses.file_export import course_to_files, export_zip
from course_app.courses.file_import import import_course
from course_app.courses.file_reader import read_course_dir
from course_app.courses.goals import GoalInput, GoalTags
from course_app.courses.models import Block, Course, LearningGoal, Lesson, Module
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from tests import factories
from tests.helpers import post_form, sign_in

MINIMAL = Path(__file__).resolve().parents[1] / "courses" / "fixtures" / "minimal"


def _row(model: Any, key: str) -> Any:
    return db.session.scalar(select(model).where(model.key == key))


def _audit(course: Course) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.course_id == course.id).order_by(AuditEntry.id)
        )
    )


@pytest.fixture
def course(session: Any) -> Course:
    return import_course(MINIMAL).course


@pytest.fixture
def admin(session: Any):
    user = factories.user(name="Ada Admin")
    directory.assign_role(user, Role.PLATFORM_ADMIN)
    return user


# --- Services ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "taken", "key"),
    [
        ("Fælles sprog om digital ledelse", set(), "faelles-sprog-om-digital-ledelse"),
        ("  Øget  tryghed & åbenhed! ", set(), "oeget-tryghed-aabenhed"),
        ("Café-kultur", set(), "cafe-kultur"),
        ("Mål", {"maal"}, "maal-2"),
        ("Mål", {"maal", "maal-2"}, "maal-3"),
        ("!!!", set(), "maal"),
        ("x" * 100, set(), "x" * 63),
        ("x" * 100, {"x" * 63}, "x" * 61 + "-2"),
    ],
)
def test_key_from_title(title: str, taken: set[str], key: str) -> None:
    assert goals.key_from_title(title, taken) == key


def test_create_goal_makes_a_stable_key_and_audits(course: Course, admin) -> None:
    goal = goals.create_goal(course, GoalInput("Goal A", "Why"), actor=admin)

    assert goal.key == "goal-a-2"  # "goal-a" is taken by the files
    assert goal.position == 2
    goals.update_goal(goal, GoalInput("Et helt nyt navn", ""), actor=admin)
    assert goal.key == "goal-a-2"
    assert goal.title == "Et helt nyt navn"
    entries = _audit(course)[-2:]
    assert [(e.action, e.object_type, e.object_key, e.actor_id) for e in entries] == [
        ("created", "goal", "goal-a-2", admin.id),
        ("changed", "goal", "goal-a-2", admin.id),
    ]
    assert entries[1].details["changed"]["title"] == {"from": "Goal A", "to": "Et helt nyt navn"}


def test_update_without_change_writes_no_audit_entry(course: Course, admin) -> None:
    goal = _row(LearningGoal, "goal-a")
    before = len(_audit(course))

    assert goals.update_goal(goal, GoalInput(goal.title, goal.description), actor=admin) is False
    assert len(_audit(course)) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (GoalInput("   "), "Skriv en titel"),
        (GoalInput("x" * 301), "højst 300 tegn"),
        (GoalInput("ok", "y" * 5001), "højst 5000 tegn"),
    ],
)
def test_invalid_goal_is_refused(course: Course, admin, data: GoalInput, message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        goals.create_goal(course, data, actor=admin)


def test_retire_and_restore_keep_the_tags(course: Course, admin) -> None:
    goal = _row(LearningGoal, "goal-a")

    assert goals.retire_goal(goal, actor=admin) is True
    assert goals.retire_goal(goal, actor=admin) is False
    assert [item.goal.key for item in goals.goal_coverage(course)] == ["goal-b"]
    assert "goal-a" not in course_to_files(course)["course.yml"]
    files_after_retire = course_to_files(course)
    assert "goal-a" not in files_after_retire["01-start/module.md"]

    assert goals.restore_goal(goal, actor=admin) is True
    coverage = {item.goal.key: item for item in goals.goal_coverage(course)}
    assert [module.key for module in coverage["goal-a"].modules] == ["start"]
    assert [e.action for e in _audit(course)[-2:]] == ["retired", "restored"]


def test_coverage_lists_content_in_course_order_and_flags_uncovered(course: Course, admin) -> None:
    new = goals.create_goal(course, GoalInput("Nyt mål"), actor=admin)

    coverage = {item.goal.key: item for item in goals.goal_coverage(course)}

    assert [m.key for m in coverage["goal-a"].modules] == ["start"]
    assert [ls.key for ls in coverage["goal-a"].lessons] == ["welcome", "film"]
    assert [ls.key for ls in coverage["goal-b"].lessons] == ["film"]
    assert coverage["goal-b"].is_covered
    assert not coverage[new.key].is_covered
    assert list(coverage) == ["goal-a", "goal-b", new.key]


def test_set_goal_tags_adds_and_removes_and_audits(course: Course, admin) -> None:
    goal = _row(LearningGoal, "goal-b")
    workshop = _row(Module, "workshop")
    reflection = _row(Block, "film-reflection")
    prep_task = _row(Block, "prep-task")

    changed = goals.set_goal_tags(
        goal,
        GoalTags(
            module_ids=frozenset({workshop.id}),
            question_ids=frozenset({reflection.id, prep_task.id}),
        ),
        actor=admin,
    )

    assert changed is True
    coverage = {item.goal.key: item for item in goals.goal_coverage(course)}["goal-b"]
    assert [m.key for m in coverage.modules] == ["workshop"]
    assert coverage.lessons == []  # "film" was untagged
    assert [q.key for q in coverage.questions] == ["film-reflection", "prep-task"]
    entry = _audit(course)[-1]
    assert entry.action == "changed" and entry.object_key == "goal-b"
    assert entry.details["added"] == {
        "module": ["workshop"],
        "question": ["film-reflection", "prep-task"],
    }
    assert entry.details["removed"] == {"lesson": ["film"]}
    # The tags reach the files, and the files stay valid.
    files = course_to_files(course)
    assert "goals: [goal-b]" in files["02-workshop/module.md"]
    assert "goals: [goal-b]" in files["02-workshop/prep.md"]
    assert goals.set_goal_tags(goal, _current_tags(goal, course), actor=admin) is False


def test_tagged_course_survives_export_and_validation(course: Course, admin, tmp_path) -> None:
    goal = goals.create_goal(course, GoalInput("Fælles sprog"), actor=admin)
    goals.set_goal_tags(
        goal, GoalTags(lesson_ids=frozenset({_row(Lesson, "prep").id})), actor=admin
    )

    zipfile.ZipFile(io.BytesIO(export_zip(course))).extractall(tmp_path)
    data, problems = read_course_dir(tmp_path / "minimal")

    assert problems == []
    assert [g.key for g in data.goals] == ["goal-a", "goal-b", "faelles-sprog"]


def _current_tags(goal: LearningGoal, course: Course) -> GoalTags:
    outline = goals.taggable_outline(course)
    return GoalTags(
        module_ids=frozenset(m.module.id for m in outline if goal in m.module.goals),
        lesson_ids=frozenset(
            ls.lesson.id for m in outline for ls in m.lessons if goal in ls.lesson.goals
        ),
        question_ids=frozenset(
            q.id for m in outline for ls in m.lessons for q in ls.questions if goal in q.goals
        ),
    )


def test_tags_outside_the_course_or_on_non_questions_are_refused(course: Course, admin) -> None:
    goal = _row(LearningGoal, "goal-a")
    other = factories.course()
    other_lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == other.id))
    text_block = _row(Block, "welcome-text")

    with pytest.raises(ServiceError):
        goals.set_goal_tags(goal, GoalTags(lesson_ids=frozenset({other_lesson.id})), actor=admin)
    with pytest.raises(ServiceError):
        goals.set_goal_tags(goal, GoalTags(question_ids=frozenset({text_block.id})), actor=admin)


def test_tags_on_non_question_blocks_from_the_files_are_kept(course: Course, admin) -> None:
    goal = _row(LearningGoal, "goal-a")
    slides = _row(Block, "welcome-slides")
    slides.goals.append(goal)
    db.session.flush()

    goals.set_goal_tags(goal, GoalTags(), actor=admin)

    assert goal in slides.goals


def test_retired_goal_cannot_be_tagged(course: Course, admin) -> None:
    goal = _row(LearningGoal, "goal-a")
    goals.retire_goal(goal, actor=admin)

    with pytest.raises(ServiceError, match="udgået"):
        goals.set_goal_tags(goal, GoalTags(), actor=admin)


# --- Pages ------------------------------------------------------------------------------------------


def test_coverage_page_shows_content_and_flags_goals_without_content(
    client, course: Course, admin
) -> None:
    goals.create_goal(course, GoalInput("Ingen dækning"), actor=admin)
    sign_in(client, admin.email)

    response = client.get(f"/admin/kurser/{course.id}/maal")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("Intet indhold understøtter dette mål endnu") == 1
    assert "Ingen dækning" in html
    assert "Spørgsmål: What did you notice?" not in html  # not tagged in the files
    assert "1 af 3 mål har intet indhold endnu." in html


def test_create_edit_tag_retire_restore_through_the_pages(client, course: Course) -> None:
    editor = factories.user()
    directory.assign_role(editor, Role.COURSE_EDITOR, course_id=course.id)
    sign_in(client, editor.email)
    base = f"/admin/kurser/{course.id}/maal"

    created = post_form(
        client, f"{base}/nyt", f"{base}/nyt", {"title": "Fælles sprog", "description": "Tekst"}
    )
    goal = _row(LearningGoal, "faelles-sprog")
    assert created.status_code == 302
    assert created.headers["Location"].endswith(f"{base}/{goal.id}/indhold")

    tags_page = client.get(f"{base}/{goal.id}/indhold").get_data(as_text=True)
    assert 'name="questions"' in tags_page and "What did you notice?" in tags_page
    reflection = _row(Block, "film-reflection")
    lesson = _row(Lesson, "welcome")
    tagged = post_form(
        client,
        f"{base}/{goal.id}/indhold",
        f"{base}/{goal.id}/indhold",
        {"lessons": str(lesson.id), "questions": str(reflection.id)},
    )
    assert tagged.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "Spørgsmål: What did you notice?" in page
    assert "Intet indhold understøtter dette mål endnu" not in page

    edited = post_form(
        client, f"{base}/{goal.id}", f"{base}/{goal.id}", {"title": "Fælles ord", "description": ""}
    )
    assert edited.status_code == 302
    retired = post_form(client, f"{base}/{goal.id}", f"{base}/{goal.id}/udgaa", {})
    assert retired.status_code == 302
    assert "Udgåede mål" in client.get(base).get_data(as_text=True)
    restored = post_form(client, base, f"{base}/{goal.id}/genopret", {})
    assert restored.status_code == 302

    db.session.expire_all()
    goal = db.session.get(LearningGoal, goal.id)
    assert (goal.key, goal.title, goal.retired_at) == ("faelles-sprog", "Fælles ord", None)
    assert {g.key for g in db.session.get(Lesson, lesson.id).goals} == {"goal-a", "faelles-sprog"}
    actions = [
        (e.action, e.actor_id)
        for e in _audit(course)
        if e.object_type == "goal" and e.object_key == "faelles-sprog"
    ]
    assert actions == [
        ("created", editor.id),
        ("changed", editor.id),
        ("changed", editor.id),
        ("retired", editor.id),
        ("restored", editor.id),
    ]


def test_unticking_everything_removes_all_tags(client, course: Course, admin) -> None:
    sign_in(client, admin.email)
    goal = _row(LearningGoal, "goal-a")
    url = f"/admin/kurser/{course.id}/maal/{goal.id}/indhold"

    response = post_form(client, url, url, {})

    assert response.status_code == 302
    db.session.expire_all()
    assert not goals.goal_coverage(course)[0].is_covered


def test_empty_title_is_shown_as_a_form_error(client, course: Course, admin) -> None:
    sign_in(client, admin.email)
    url = f"/admin/kurser/{course.id}/maal/nyt"

    response = post_form(client, url, url, {"title": "", "description": ""})

    assert response.status_code == 400
    assert "Skriv en titel på målet." in response.get_data(as_text=True)


def test_tampered_choice_is_refused(client, course: Course, admin) -> None:
    sign_in(client, admin.email)
    goal = _row(LearningGoal, "goal-a")
    url = f"/admin/kurser/{course.id}/maal/{goal.id}/indhold"
    text_block = _row(Block, "welcome-text")
    before = {g.key for g in _row(Lesson, "welcome").goals}

    response = post_form(client, url, url, {"questions": str(text_block.id)})

    assert response.status_code == 400
    db.session.expire_all()
    assert {g.key for g in _row(Lesson, "welcome").goals} == before


def _goal_urls(course: Course, goal: LearningGoal) -> list[tuple[str, str]]:
    base = f"/admin/kurser/{course.id}/maal"
    return [
        ("GET", base),
        ("GET", f"{base}/nyt"),
        ("POST", f"{base}/nyt"),
        ("GET", f"{base}/{goal.id}"),
        ("POST", f"{base}/{goal.id}"),
        ("GET", f"{base}/{goal.id}/indhold"),
        ("POST", f"{base}/{goal.id}/indhold"),
        ("POST", f"{base}/{goal.id}/udgaa"),
        ("POST", f"{base}/{goal.id}/genopret"),
    ]


def _any_csrf_token(client) -> str:
    """The session's CSRF token, from the language form every page carries."""
    html = client.get("/admin/").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


@pytest.mark.parametrize("who", ["leader", "other_editor"])
def test_goal_pages_refuse_non_editors(client, course: Course, who: str) -> None:
    user = factories.user()
    if who == "other_editor":
        directory.assign_role(user, Role.COURSE_EDITOR, course_id=factories.course().id)
    sign_in(client, user.email)
    goal = _row(LearningGoal, "goal-a")

    token = _any_csrf_token(client)

    for method, url in _goal_urls(course, goal):
        data = {"csrf_token": token, "title": "x"} if method == "POST" else None
        assert client.open(url, method=method, data=data).status_code == 403, (method, url)
    db.session.expire_all()
    assert goal.retired_at is None


def test_unknown_course_or_goal_is_404(client, course: Course, admin) -> None:
    sign_in(client, admin.email)
    other_goal = goals.create_goal(factories.course(), GoalInput("Andet kursus"), actor=admin)

    assert client.get("/admin/kurser/999999/maal").status_code == 404
    assert client.get(f"/admin/kurser/{course.id}/maal/999999").status_code == 404
    # A goal of another course is not reachable through this course.
    assert client.get(f"/admin/kurser/{course.id}/maal/{other_goal.id}").status_code == 404
    assert client.get(f"/admin/kurser/{course.id}/maal/{other_goal.id}/indhold").status_code == 404
