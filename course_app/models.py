"""Imports every domain's models so that the metadata is complete (Alembic, tests, create_all)."""

from course_app.accounts.identity_models import IdentityProvider, LinkedIdentity, SignInPolicy
from course_app.accounts.models import Invitation, PasswordReset, SignInFailure, User
from course_app.assessments.models import Assessment, AssessmentArea, AssessmentItem
from course_app.audit.models import AuditEntry
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import Base
from course_app.courses.models import Block, Course, LearningGoal, Lesson, Module
from course_app.notifications.models import OutboxMessage
from course_app.organisations.models import (
    Area,
    GroupMembership,
    LeaderGroup,
    Organisation,
    RoleAssignment,
)
from course_app.progress.models import LessonProgress, ProgressSummary
from course_app.reflections.models import Comment, MeetingNote, ReflectionAnswer
from course_app.resources.models import Resource
from course_app.schedule.event_models import CalendarFeed, Event
from course_app.schedule.models import CohortRelease, ModuleUnlock
from course_app.self_assessment.models import (
    AssessmentAnswer,
    AssessmentParticipation,
    AssessmentResponse,
)
from course_app.self_assessment.round_models import (
    AssessmentDispatch,
    RoundAssessment,
    WheelReflection,
)
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot
from course_app.workshops.models import (
    AreaCorrespondence,
    TableSeat,
    WorkshopFacilitator,
    WorkshopSettings,
    WorkshopSignup,
)

__all__ = [
    "Area",
    "AreaCorrespondence",
    "Assessment",
    "AssessmentAnswer",
    "AssessmentArea",
    "AssessmentDispatch",
    "AssessmentItem",
    "AssessmentParticipation",
    "AssessmentResponse",
    "AuditEntry",
    "Base",
    "Block",
    "CalendarFeed",
    "Cohort",
    "CohortRelease",
    "Comment",
    "Course",
    "Enrolment",
    "Event",
    "GroupMembership",
    "IdentityProvider",
    "Invitation",
    "LeaderGroup",
    "LearningGoal",
    "Lesson",
    "LessonProgress",
    "LinkedIdentity",
    "MeetingNote",
    "Module",
    "ModuleUnlock",
    "Organisation",
    "OutboxMessage",
    "PasswordReset",
    "ProgressSummary",
    "ReflectionAnswer",
    "Resource",
    "RoleAssignment",
    "RoundAssessment",
    "ServiceCheckBooking",
    "ServiceCheckSlot",
    "SignInFailure",
    "SignInPolicy",
    "TableSeat",
    "User",
    "WheelReflection",
    "WorkshopFacilitator",
    "WorkshopSettings",
    "WorkshopSignup",
]
