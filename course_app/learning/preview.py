"""A module page as a leader will first see it, before anyone has answered: the data behind the
authors' "Forhåndsvis som deltager". It is built here, beside the leader's real page, so that the
two stay alike; the authoring area only loads the module, checks the editor and renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from course_app.courses import outlines
from course_app.courses.models import Lesson, Module
from course_app.learning.services import ModulePage
from course_app.progress.models import ProgressState
from course_app.progress.services import CourseProgress, LessonStatus, ModuleStatus


@dataclass(frozen=True)
class ModulePreview:
    page: ModulePage
    # The leader's template reads the course and links by cohort id through an enrolment; a
    # preview has none, so it gets a stand-in (cohort 0) whose forms the template switches off.
    enrolment: SimpleNamespace
    # Live draft lessons: the banner names them, shown in the page or not (``include_drafts``).
    hidden_drafts: list[Lesson]

    @property
    def question_keys(self) -> list[str]:
        """The questions on the page, in order: the view gives each an empty answer form."""
        return [
            block.key for lesson in self.page.module.lessons for block in lesson.outline.questions
        ]


def preview_page(module: Module, *, include_drafts: bool = False) -> ModulePreview:
    """The module's page for a leader without progress or answers, as it will look once the module
    and the course are published; with ``include_drafts`` its draft lessons are shown too."""
    outline = outlines.preview_outline(module, include_drafts=include_drafts)
    lessons = [LessonStatus(lesson, ProgressState.NOT_STARTED) for lesson in outline.lessons]
    status = ModuleStatus(outline, lessons, ProgressState.NOT_STARTED)
    page = ModulePage(
        progress=CourseProgress([status]),
        module=status,
        answers={},
        previous_module=None,
        next_module=None,
        current_group_id=None,
        group_names={},
    )
    return ModulePreview(
        page=page,
        enrolment=SimpleNamespace(cohort=SimpleNamespace(id=0, course=module.course)),
        hidden_drafts=[
            lesson for lesson in outlines.live_lessons(module) if lesson.status == "draft"
        ],
    )
