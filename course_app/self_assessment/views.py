"""Registers every route of the self-assessment blueprint: each views module adds its own to ``bp``."""

from course_app.self_assessment import (  # noqa: F401  (routes register on import)
    average_views,
    leader_views,
    round_views,
    wheel_views,
)
from course_app.self_assessment.blueprint import bp

__all__ = ["bp"]
