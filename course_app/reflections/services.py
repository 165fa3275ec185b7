"""Writing and reading one's own answers. Every answer is private until its author shares it.

Nothing is written into a closed round: every function here that writes asks
``cohorts.read_only.require_open_round`` first (``RoundClosed``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from course_app.accounts.models import User
from course_app.cohorts.models import Enrolment
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db, utcnow
from course_app.core.errors import NotAllowed, NotFound, ServiceError
from course_app.core.sql import insert_ignoring_duplicates
from course_app.courses.models import Block, Lesson, Module
from course_app.courses.outlines import LessonOutline
from course_app.organisations.access import Viewer, current_group_id
from course_app.organisations.models import LeaderGroup
from course_app.reflections.models import (
    ANSWER_MAX_LENGTH,
    AnswerStatus,
    Comment,
    MeetingNote,
    ReflectionAnswer,
    Visibility,
)
from course_app.reflections.module_answers import ShownAnswer


def answers_by_block(enrolment: Enrolment, block_ids: Iterable[int]) -> dict[int, ReflectionAnswer]:
    ids = list(block_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(ReflectionAnswer).where(
            ReflectionAnswer.enrolment_id == enrolment.id, ReflectionAnswer.block_id.in_(ids)
        )
    )
    return {row.block_id: row for row in rows}


def unanswered_required(
    lesson: LessonOutline, answers: Mapping[int, ReflectionAnswer | ShownAnswer]
) -> int:
    """How many required questions in the lesson still lack a submitted answer."""
    return sum(
        1
        for block in lesson.required_questions
        if block.id not in answers or answers[block.id].status != AnswerStatus.SUBMITTED
    )


class AnswerChanged(ServiceError):
    """The answer was saved from elsewhere (another tab or device) since the leader opened the page:
    nothing was saved, so her typed text and the newer stored text can both be shown."""


def save_answer(
    enrolment: Enrolment,
    block: Block,
    text: str,
    *,
    submit: bool,
    seen_version: int | None = None,
) -> ReflectionAnswer:
    """Save a draft or submit. A submitted answer stays editable; every change raises its version.

    ``seen_version`` is the version the leader's page showed (0: no answer yet; None: unknown, e.g. a
    page from before versions were posted). If the stored answer has moved on since and holds other
    text, nothing is saved (``AnswerChanged``): a stale tab must not overwrite newer text unseen.
    The row is locked while it is compared and written, and the first save is an insert that skips a
    row another request wrote meanwhile, so simultaneous saves neither fail nor lose one another."""
    require_open_round(enrolment.cohort)
    if not block.is_question or block.retired_at is not None:
        raise ServiceError(_l("Spørgsmålet findes ikke længere."))
    text = text.replace("\r\n", "\n")
    if len(text) > ANSWER_MAX_LENGTH:
        raise ServiceError(
            _l(
                "Dit svar er for langt: højst %(limit)s tegn (du har skrevet %(length)s). "
                "Forkort det, og gem igen.",
                limit=f"{ANSWER_MAX_LENGTH:,}".replace(",", "."),
                length=f"{len(text):,}".replace(",", "."),
            )
        )
    if submit and not text.strip():
        raise ServiceError(_l("Skriv dit svar, før du indsender det."))
    answer = _locked_answer(enrolment, block)
    if answer is None:
        inserted = db.session.execute(
            insert_ignoring_duplicates(ReflectionAnswer).values(
                enrolment_id=enrolment.id, block_id=block.id, text=text, version=1
            )
        )
        answer = _locked_answer(enrolment, block)
        assert answer is not None  # inserted now, or by another request meanwhile
        if inserted.rowcount == 1:
            seen_version = answer.version  # our own row: nothing to compare with
    if seen_version is not None and seen_version != answer.version and answer.text != text:
        raise AnswerChanged(
            _l(
                "Dit svar er blevet gemt et andet sted (fx i en anden fane), siden du åbnede "
                "siden, så din tekst blev ikke gemt. Din tekst står her stadig, og den gemte "
                "udgave står under den: sammenlign dem, ret dit svar til, og gem igen."
            )
        )
    if answer.text != text:
        answer.text = text
        answer.version += 1
    if submit and answer.status != AnswerStatus.SUBMITTED:
        answer.status = AnswerStatus.SUBMITTED
        answer.submitted_at = utcnow()
    db.session.flush()
    return answer


def _locked_answer(enrolment: Enrolment, block: Block) -> ReflectionAnswer | None:
    """The leader's answer to the block, locked until the transaction ends (PostgreSQL; on SQLite
    a POST already holds the database's write lock), read fresh from the database."""
    return db.session.scalar(
        select(ReflectionAnswer)
        .where(ReflectionAnswer.enrolment_id == enrolment.id, ReflectionAnswer.block_id == block.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# --- Sharing with the leader group ------------------------------------------------------------------
#
# Rules (docs: tell the integrator):
# - Only a submitted answer can be shared; a draft is the author's own workspace.
# - Sharing sets ``shared_group_id`` to the author's CURRENT group at that moment. The answer stays
#   with that group if the author later moves; choosing "shared" again keeps it where it is.
# - A leader without a current group cannot share.
# - Making a shared answer private again hides its comments for good (they are kept, marked
#   ``deleted_at``), so sharing it again later (possibly with a new group) starts a fresh thread and
#   never carries one group's conversation into another.

COMMENT_MAX_LENGTH = 2_000
NOTE_MAX_LENGTH = 20_000


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def set_visibility(enrolment: Enrolment, answer: ReflectionAnswer, *, share: bool) -> bool:
    """Share the author's answer with their current leader group, or make it private again.
    Returns whether anything changed."""
    if answer.enrolment_id != enrolment.id:
        raise NotFound(_l("Svaret findes ikke."))
    require_open_round(enrolment.cohort)
    if share:
        if answer.visibility == Visibility.GROUP:
            return False
        if answer.status != AnswerStatus.SUBMITTED:
            raise ServiceError(
                _l(
                    "Du kan først dele dit svar, når du indsender det. Tryk på »Indsend«, "
                    "eller vælg »Privat« for at gemme en kladde."
                )
            )
        group_id = current_group_id(enrolment.user_id)
        if group_id is None:
            raise ServiceError(
                _l(
                    "Du er ikke med i en ledergruppe, så du kan ikke dele dit svar. "
                    "Vælg »Privat«, eller kontakt forløbets koordinator."
                )
            )
        answer.visibility = Visibility.GROUP
        answer.shared_group_id = group_id
        db.session.flush()
        return True
    if answer.visibility == Visibility.PRIVATE:
        return False
    answer.visibility = Visibility.PRIVATE
    answer.shared_group_id = None
    db.session.execute(
        update(Comment)
        .where(Comment.answer_id == answer.id, Comment.deleted_at.is_(None))
        .values(deleted_at=utcnow())
    )
    db.session.flush()
    return True


def group_names(group_ids: Iterable[int | None]) -> dict[int, str]:
    ids = sorted({group_id for group_id in group_ids if group_id is not None})
    if not ids:
        return {}
    rows = db.session.execute(
        select(LeaderGroup.id, LeaderGroup.name).where(LeaderGroup.id.in_(ids))
    )
    return {group_id: name for group_id, name in rows}


def _shared_with(group: LeaderGroup, cohort_id: int):
    """Answers shared with ``group`` by enrolments in the cohort (the caller joins Enrolment)."""
    return (
        ReflectionAnswer.visibility == Visibility.GROUP,
        ReflectionAnswer.shared_group_id == group.id,
        Enrolment.cohort_id == cohort_id,
    )


def shared_answer_counts(viewer: Viewer, group: LeaderGroup, cohort_id: int) -> dict[int, int]:
    """Number of answers shared with the group, per question block, in one query."""
    if not viewer.may_read_shared_answers(group):
        return {}
    rows = db.session.execute(
        select(ReflectionAnswer.block_id, func.count(ReflectionAnswer.id))
        .join(Enrolment, Enrolment.id == ReflectionAnswer.enrolment_id)
        .where(*_shared_with(group, cohort_id))
        .group_by(ReflectionAnswer.block_id)
    )
    return {block_id: count for block_id, count in rows}


@dataclass(frozen=True)
class CommentView:
    comment: Comment
    author_name: str
    may_delete: bool


@dataclass(frozen=True)
class SharedAnswer:
    answer: ReflectionAnswer
    author_name: str
    comments: list[CommentView]


def shared_answers(
    viewer: Viewer,
    group: LeaderGroup,
    cohort_id: int,
    block_ids: Iterable[int],
    *,
    with_comments: bool = True,
) -> dict[int, list[SharedAnswer]]:
    """The answers shared with the group to the given questions, with their authors' names and the
    visible comments: two queries whatever the number of answers, authors or comments."""
    if not viewer.may_read_shared_answers(group):
        raise NotFound(_l("Siden findes ikke."))
    ids = list(block_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ReflectionAnswer, User.name)
        .join(Enrolment, Enrolment.id == ReflectionAnswer.enrolment_id)
        .join(User, User.id == Enrolment.user_id)
        .where(*_shared_with(group, cohort_id), ReflectionAnswer.block_id.in_(ids))
        .order_by(ReflectionAnswer.submitted_at, ReflectionAnswer.id)
    ).all()
    comments: dict[int, list[CommentView]] = defaultdict(list)
    if rows and with_comments:
        comment_rows = db.session.execute(
            select(Comment, User.name)
            .join(User, User.id == Comment.author_id)
            .where(
                Comment.answer_id.in_([answer.id for answer, _ in rows]),
                Comment.deleted_at.is_(None),
            )
            .order_by(Comment.created_at, Comment.id)
        ).all()
        for comment, name in comment_rows:
            comments[comment.answer_id].append(
                CommentView(comment, name, may_delete=comment.author_id == viewer.user_id)
            )
    result: dict[int, list[SharedAnswer]] = defaultdict(list)
    for answer, name in rows:
        result[answer.block_id].append(SharedAnswer(answer, name, comments[answer.id]))
    return dict(result)


def _clean_text(text: str) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def add_comment(
    viewer: Viewer, group: LeaderGroup, cohort_id: int, block_id: int, answer_id: int, text: str
) -> Comment:
    """A member's (or the chair's) comment on an answer shared with this group."""
    if not viewer.may_read_shared_answers(group):
        raise NotFound(_l("Siden findes ikke."))
    answer = db.session.scalar(
        select(ReflectionAnswer)
        .join(Enrolment, Enrolment.id == ReflectionAnswer.enrolment_id)
        .where(
            ReflectionAnswer.id == answer_id,
            ReflectionAnswer.block_id == block_id,
            *_shared_with(group, cohort_id),
        )
    )
    if answer is None:
        raise NotFound(_l("Svaret findes ikke."))
    require_open_round(cohort_id)
    text = _clean_text(text)
    if not text:
        raise ServiceError(_l("Skriv din kommentar, før du sender den."))
    if len(text) > COMMENT_MAX_LENGTH:
        raise ServiceError(
            _l(
                "Din kommentar er for lang: højst %(limit)s tegn (du har skrevet %(length)s). "
                "Forkort den, og send igen.",
                limit=_number(COMMENT_MAX_LENGTH),
                length=_number(len(text)),
            )
        )
    comment = Comment(answer_id=answer.id, author_id=viewer.user_id, text=text)
    db.session.add(comment)
    db.session.flush()
    return comment


def delete_comment(viewer: Viewer, group: LeaderGroup, cohort_id: int, comment_id: int) -> int:
    """The comment's author removes it (kept, marked deleted). Returns the answer's block id."""
    if not viewer.may_read_shared_answers(group):
        raise NotFound(_l("Siden findes ikke."))
    row = db.session.execute(
        select(Comment, ReflectionAnswer.block_id)
        .join(ReflectionAnswer, ReflectionAnswer.id == Comment.answer_id)
        .join(Enrolment, Enrolment.id == ReflectionAnswer.enrolment_id)
        .where(
            Comment.id == comment_id,
            Comment.author_id == viewer.user_id,
            Comment.deleted_at.is_(None),
            *_shared_with(group, cohort_id),
        )
    ).first()
    if row is None:
        raise NotFound(_l("Kommentaren findes ikke."))
    require_open_round(cohort_id)
    comment, block_id = row
    comment.deleted_at = utcnow()
    db.session.flush()
    return block_id


# --- Meeting notes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteView:
    note: MeetingNote
    author_name: str


def meeting_notes(viewer: Viewer, group: LeaderGroup, cohort_id: int) -> dict[int, NoteView]:
    """The group's notes in the cohort, per module id (one query)."""
    if not viewer.may_read_meeting_notes(group):
        return {}
    rows = db.session.execute(
        select(MeetingNote, User.name)
        .join(User, User.id == MeetingNote.author_id)
        .where(MeetingNote.group_id == group.id, MeetingNote.cohort_id == cohort_id)
    ).all()
    return {note.module_id: NoteView(note, name) for note, name in rows}


def save_meeting_note(
    viewer: Viewer,
    group: LeaderGroup,
    cohort_id: int,
    module_id: int,
    text: str,
    *,
    seen_version: int | None,
) -> MeetingNote:
    """The chair writes or edits the note; every change of text raises its version. ``seen_version``
    is the version the chair started from (0: there was no note yet): if someone changed the note
    since, nothing is saved."""
    if not viewer.may_read_meeting_notes(group):
        raise NotFound(_l("Siden findes ikke."))
    if not viewer.may_write_meeting_notes(group):
        raise NotAllowed(_l("Kun ledergruppens mødeleder kan skrive mødenoterne."))
    require_open_round(cohort_id)
    text = _clean_text(text)
    if not text:
        raise ServiceError(_l("Skriv mødenoterne, før du gemmer."))
    if len(text) > NOTE_MAX_LENGTH:
        raise ServiceError(
            _l(
                "Mødenoterne er for lange: højst %(limit)s tegn (du har skrevet %(length)s).",
                limit=_number(NOTE_MAX_LENGTH),
                length=_number(len(text)),
            )
        )
    note = db.session.scalar(
        select(MeetingNote).where(
            MeetingNote.group_id == group.id,
            MeetingNote.cohort_id == cohort_id,
            MeetingNote.module_id == module_id,
        )
    )
    if note is not None and seen_version is not None and seen_version != note.version:
        raise ServiceError(
            _l(
                "Mødenoterne er blevet ændret, siden du åbnede siden. Din tekst står her "
                "stadig: sammenlign med den gemte udgave, og gem igen."
            )
        )
    if note is None:
        note = MeetingNote(
            group_id=group.id,
            cohort_id=cohort_id,
            module_id=module_id,
            text=text,
            author_id=viewer.user_id,
            version=1,
        )
        db.session.add(note)
    elif note.text != text:
        note.text = text
        note.version += 1
        note.author_id = viewer.user_id
    db.session.flush()
    return note


def own_answers(enrolment: Enrolment) -> list[tuple[Module, Lesson, Block, ReflectionAnswer]]:
    """All of a leader's own answers in an enrolment, in course order, including answers to questions
    an author has since retired (they stay the leader's). One query."""
    rows = db.session.execute(
        select(Module, Lesson, Block, ReflectionAnswer)
        .join(Block, ReflectionAnswer.block_id == Block.id)
        .join(Lesson, Block.lesson_id == Lesson.id)
        .join(Module, Lesson.module_id == Module.id)
        .where(ReflectionAnswer.enrolment_id == enrolment.id)
        .order_by(Module.position, Lesson.position, Block.position, Block.id)
    ).all()
    return [(module, lesson, block, answer) for module, lesson, block, answer in rows]
