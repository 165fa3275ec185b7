"""A leader group's own space: its next leader meeting, readiness as counts, the question set, the
answers members shared, comments and the chair's meeting notes.

Who may see what is decided by ``organisations.access.Viewer`` (the who-sees-what table); this module
only asks it. Anything a viewer may not see is reported as ``NotFound`` (the views answer 404), so a
foreign group and a group that does not exist look the same.

The next leader meeting: the group-mode modules of the cohort's course are the local leader meetings
("ledermøder"). The next one is the first, in course order, for which the group has no meeting note
yet; when every meeting has a note, the last one. Readiness counts the members who are done with each
individual module since the previous leader meeting (or since the start of the course).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.cohorts.services import current_cohort_for_organisation
from course_app.core.db import db, utcnow
from course_app.core.errors import NotFound
from course_app.core.i18n import today_local
from course_app.courses.models import Block, Module, ModuleMode
from course_app.courses.outlines import LessonOutline, ModuleOutline, course_outline
from course_app.organisations.access import Viewer
from course_app.organisations.models import GroupMembership, LeaderGroup
from course_app.progress.models import ProgressState
from course_app.progress.services import summaries_for_enrolments
from course_app.reflections import services as reflections
from course_app.reflections.services import NoteView, SharedAnswer

# --- Who may open which page (always through the Viewer's table) --------------------------------------


def may_open_group_page(viewer: Viewer, group: LeaderGroup) -> bool:
    """The group page is the members' space: current members and the group's chair."""
    return viewer.is_member(group) or viewer.may_write_meeting_notes(group)


def may_open_review(viewer: Viewer, group: LeaderGroup) -> bool:
    return viewer.may_read_shared_answers(group)


def may_open_meeting_note(viewer: Viewer, group: LeaderGroup) -> bool:
    return viewer.may_read_meeting_notes(group)


def may_open_meeting_sheet(viewer: Viewer, group: LeaderGroup) -> bool:
    """The preparation sheet holds the shared answers, so it follows their rule."""
    return viewer.may_read_shared_answers(group)


def chaired_groups(viewer: Viewer) -> list[LeaderGroup]:
    """The groups whose page the viewer opens as their chair (for a chair who is no member)."""
    if not viewer.chair_of:
        return []
    groups = db.session.scalars(
        select(LeaderGroup)
        .where(LeaderGroup.id.in_(sorted(viewer.chair_of)))
        .order_by(LeaderGroup.name, LeaderGroup.id)
    )
    return [group for group in groups if may_open_group_page(viewer, group)]


# --- The group, its cohort and its course ---------------------------------------------------------------


@dataclass(frozen=True)
class GroupContext:
    group: LeaderGroup
    cohort: Cohort | None
    outline: list[ModuleOutline]

    @property
    def meetings(self) -> list[ModuleOutline]:
        """The local leader meetings: the course's group-mode modules, in course order."""
        return [module for module in self.outline if module.module.mode == ModuleMode.GROUP]

    def meeting(self, module_key: str) -> ModuleOutline:
        for module in self.meetings:
            if module.module.key == module_key:
                return module
        raise NotFound(_l("Mødet findes ikke."))

    def question(self, block_key: str) -> tuple[ModuleOutline, Block]:
        for module in self.outline:
            for lesson in module.lessons:
                for block in lesson.questions:
                    if block.key == block_key:
                        return module, block
        raise NotFound(_l("Spørgsmålet findes ikke."))

    @property
    def cohort_id(self) -> int:
        if self.cohort is None:
            raise NotFound(_l("Ledergruppen er ikke med i et forløb."))
        return self.cohort.id


def load_group(
    viewer: Viewer, group_id: int, may_open: Callable[[Viewer, LeaderGroup], bool]
) -> GroupContext:
    """The group with its organisation's current cohort and that course's outline, if the viewer may
    open the page; otherwise NotFound, exactly as for a group that does not exist."""
    group = db.session.get(LeaderGroup, group_id)
    if group is None or not may_open(viewer, group):
        raise NotFound(_l("Siden findes ikke."))
    cohort = current_cohort_for_organisation(group.organisation_id, today_local())
    outline = course_outline(cohort.course) if cohort is not None else []
    return GroupContext(group, cohort, outline)


def question_set(meeting: ModuleOutline) -> list[tuple[LessonOutline, list[Block]]]:
    """The meeting's questions: the reflection and preparation blocks of the group-mode module."""
    return [(lesson, lesson.questions) for lesson in meeting.lessons if lesson.questions]


def next_meeting(meetings: list[ModuleOutline], noted: set[int]) -> ModuleOutline | None:
    """The first meeting without a meeting note; the last meeting when all have one."""
    for meeting in meetings:
        if meeting.module.id not in noted:
            return meeting
    return meetings[-1] if meetings else None


def modules_before(outline: list[ModuleOutline], meeting: ModuleOutline) -> list[ModuleOutline]:
    """The individual modules (with lessons) between the previous leader meeting and this one."""
    since: list[ModuleOutline] = []
    for module in outline:
        if module.module.id == meeting.module.id:
            return since
        if module.module.mode == ModuleMode.GROUP:
            since = []
        elif module.module.mode == ModuleMode.INDIVIDUAL and module.lessons:
            since.append(module)
    return since


# --- Readiness as counts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Readiness:
    members_total: int
    done: list[tuple[Module, int]]  # per module: how many current members are done with it


def _current_member_enrolments(group: LeaderGroup, cohort: Cohort) -> dict[int, int | None]:
    """Current, active members of the group → their enrolment in the cohort (None: not enrolled).
    One query whatever the group's size; the same membership rule as the group dashboard."""
    now = utcnow()
    rows = db.session.execute(
        select(User.id, Enrolment.id)
        .join(GroupMembership, GroupMembership.user_id == User.id)
        .outerjoin(Enrolment, and_(Enrolment.user_id == User.id, Enrolment.cohort_id == cohort.id))
        .where(
            GroupMembership.group_id == group.id,
            GroupMembership.current_at(now),
            User.deactivated_at.is_(None),
        )
    )
    return {user_id: enrolment_id for user_id, enrolment_id in rows}


def readiness(viewer: Viewer, context: GroupContext, modules: list[ModuleOutline]) -> Readiness:
    """How many of the group's current members are done with each module: counts, never names."""
    if context.cohort is None or not viewer.may_see_group_counts(context.group):
        raise NotFound(_l("Siden findes ikke."))
    members = _current_member_enrolments(context.group, context.cohort)
    enrolment_ids = [eid for eid in members.values() if eid is not None]
    summaries = summaries_for_enrolments(modules, enrolment_ids) if modules else {}
    done = [
        (
            module.module,
            sum(
                1
                for summary in summaries.values()
                if summary.module_states.get(module.module.id) == ProgressState.DONE
            ),
        )
        for module in modules
    ]
    return Readiness(len(members), done)


# --- The group page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    block: Block
    shared_count: int


@dataclass(frozen=True)
class Meeting:
    outline: ModuleOutline
    note: NoteView | None

    @property
    def module(self) -> Module:
        return self.outline.module


@dataclass(frozen=True)
class GroupPage:
    context: GroupContext
    is_member: bool
    meetings: list[Meeting]
    next_meeting: Meeting | None
    all_noted: bool
    readiness: Readiness | None
    questions: list[tuple[LessonOutline, list[Question]]]
    other_shared: list[tuple[ModuleOutline, Question]]

    @property
    def group(self) -> LeaderGroup:
        return self.context.group


def group_page(viewer: Viewer, group_id: int) -> GroupPage:
    """Everything on the group page, in a number of queries that does not grow with the group."""
    context = load_group(viewer, group_id, may_open_group_page)
    group = context.group
    if context.cohort is None:
        return GroupPage(context, viewer.is_member(group), [], None, False, None, [], [])
    notes = reflections.meeting_notes(viewer, group, context.cohort.id)
    meetings = [Meeting(outline, notes.get(outline.module.id)) for outline in context.meetings]
    upcoming_outline = next_meeting(context.meetings, set(notes))
    upcoming = next((m for m in meetings if m.outline is upcoming_outline), None)
    counts = reflections.shared_answer_counts(viewer, group, context.cohort.id)
    questions: list[tuple[LessonOutline, list[Question]]] = []
    in_set: set[int] = set()
    group_readiness = None
    if upcoming is not None:
        for lesson, blocks in question_set(upcoming.outline):
            questions.append((lesson, [Question(b, counts.get(b.id, 0)) for b in blocks]))
            in_set.update(block.id for block in blocks)
        if viewer.may_see_group_counts(group):
            group_readiness = readiness(
                viewer, context, modules_before(context.outline, upcoming.outline)
            )
    other_shared = [
        (module, Question(block, counts[block.id]))
        for module in context.outline
        for lesson in module.lessons
        for block in lesson.questions
        if counts.get(block.id) and block.id not in in_set
    ]
    return GroupPage(
        context=context,
        is_member=viewer.is_member(group),
        meetings=meetings,
        next_meeting=upcoming,
        all_noted=bool(meetings) and all(meeting.note for meeting in meetings),
        readiness=group_readiness,
        questions=questions,
        other_shared=other_shared,
    )


# --- Review of one question ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPage:
    context: GroupContext
    module: ModuleOutline
    block: Block
    answers: list[SharedAnswer]

    @property
    def group(self) -> LeaderGroup:
        return self.context.group


def review_page(viewer: Viewer, group_id: int, block_key: str) -> ReviewPage:
    """The answers shared with this group to one question, with authors and comments. Private answers
    never appear here, not even the viewer's own."""
    context = load_group(viewer, group_id, may_open_review)
    module, block = context.question(block_key)
    answers = reflections.shared_answers(viewer, context.group, context.cohort_id, [block.id])
    return ReviewPage(context, module, block, answers.get(block.id, []))


def add_comment(viewer: Viewer, group_id: int, block_key: str, answer_id: int, text: str) -> None:
    context = load_group(viewer, group_id, may_open_review)
    _module, block = context.question(block_key)
    reflections.add_comment(viewer, context.group, context.cohort_id, block.id, answer_id, text)


def delete_comment(viewer: Viewer, group_id: int, comment_id: int) -> str:
    """Delete the viewer's own comment; returns the question's key to go back to."""
    context = load_group(viewer, group_id, may_open_review)
    block_id = reflections.delete_comment(viewer, context.group, context.cohort_id, comment_id)
    for module in context.outline:
        for lesson in module.lessons:
            for block in lesson.questions:
                if block.id == block_id:
                    return block.key
    raise NotFound(_l("Spørgsmålet findes ikke."))


# --- Meeting notes and the preparation sheet -----------------------------------------------------------


@dataclass(frozen=True)
class MeetingPage:
    context: GroupContext
    meeting: ModuleOutline
    note: NoteView | None
    may_write: bool
    may_open_group_page: bool
    may_open_sheet: bool
    # The sheet only: the question set with the answers shared with the group.
    questions: list[tuple[LessonOutline, list[tuple[Block, list[SharedAnswer]]]]]

    @property
    def group(self) -> LeaderGroup:
        return self.context.group


def meeting_page(
    viewer: Viewer, group_id: int, module_key: str, *, with_answers: bool = False
) -> MeetingPage:
    """One leader meeting: the note (chair writes; members and the facilitator read). With
    ``with_answers`` (the printable sheet, for those who may read shared answers) also the question
    set and the shared answers."""
    may_open = may_open_meeting_sheet if with_answers else may_open_meeting_note
    context = load_group(viewer, group_id, may_open)
    meeting = context.meeting(module_key)
    group = context.group
    notes = reflections.meeting_notes(viewer, group, context.cohort_id)
    questions: list[tuple[LessonOutline, list[tuple[Block, list[SharedAnswer]]]]] = []
    if with_answers:
        sets = question_set(meeting)
        answers = reflections.shared_answers(
            viewer,
            group,
            context.cohort_id,
            [b.id for _, blocks in sets for b in blocks],
            with_comments=False,
        )
        questions = [
            (lesson, [(block, answers.get(block.id, [])) for block in blocks])
            for lesson, blocks in sets
        ]
    return MeetingPage(
        context=context,
        meeting=meeting,
        note=notes.get(meeting.module.id),
        may_write=viewer.may_write_meeting_notes(group),
        may_open_group_page=may_open_group_page(viewer, group),
        may_open_sheet=may_open_meeting_sheet(viewer, group),
        questions=questions,
    )


def save_meeting_note(
    viewer: Viewer, group_id: int, module_key: str, text: str, *, seen_version: int | None
) -> None:
    context = load_group(viewer, group_id, may_open_meeting_note)
    meeting = context.meeting(module_key)
    reflections.save_meeting_note(
        viewer,
        context.group,
        context.cohort_id,
        meeting.module.id,
        text,
        seen_version=seen_version,
    )
