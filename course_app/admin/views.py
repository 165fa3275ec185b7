"""Registers every admin route: importing this module imports the view modules that attach to ``bp``."""

from course_app.admin import (  # noqa: F401 - registers routes
    audit_views,
    course_views,
    file_views,
    goal_views,
    home_views,
    item_views,
    resource_views,
)
from course_app.admin.blueprint import bp

__all__ = ["bp"]
