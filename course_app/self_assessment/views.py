"""Registers every route of the self-assessment blueprint (each views module adds its own to ``bp``),
and the calls to measure that ``course-app schedule run`` sends with everything else due
(``reminders``)."""

from course_app.schedule.due_notices import add_notice_source
from course_app.self_assessment import (  # noqa: F401  (routes register on import)
    average_views,
    leader_views,
    reminders,
    round_views,
    wheel_views,
)
from course_app.self_assessment.blueprint import bp

bp.record_once(lambda state: add_notice_source(state.app, reminders.ROUND_TOOL_NOTICES))

__all__ = ["bp"]
