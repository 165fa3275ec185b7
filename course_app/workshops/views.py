"""Registers every route of the workshops blueprint: each views module adds its own to ``bp``."""

from course_app.workshops import (  # noqa: F401  (routes register on import)
    area_views,
    facilitator_views,
    page_views,
    plan_views,
    signup_views,
)
from course_app.workshops.blueprint import bp

__all__ = ["bp"]
